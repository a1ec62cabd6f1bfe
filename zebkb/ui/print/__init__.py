"""Print preview and save-as-PDF of the reports."""
