"""The desktop window (PySide6): the only code that imports Qt, grouped by feature."""
