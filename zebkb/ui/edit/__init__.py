"""Editing a record: the editor and its field widgets, attachments, case picker, history."""
