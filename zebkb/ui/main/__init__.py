"""The main window and what it shows: search bar, navigation, results, detail, the home screen."""
