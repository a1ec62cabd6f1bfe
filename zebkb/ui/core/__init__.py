"""The window's small core: the op runner, context, i18n, settings, the dialog manager, shared widgets."""
