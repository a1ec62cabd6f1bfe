"""The wards' own lists (.xlsx and CSV) in and out, without Qt or the database.

read.py reads a file within bounds, mapping.py matches columns to fields,
values.py reads a cell as the record editor would, plan.py works out each
row's action and problems, export.py writes records as a list. Writing an
import is the service's (zebkb/service/tables.py).
"""
