"""Date formats per language that differ from Django's own (settings.FORMAT_MODULE_PATH)."""
