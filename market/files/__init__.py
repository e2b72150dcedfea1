"""Files in and out: private storage, checking uploads (images, PDFs), writing tables (XLSX,
CSV) and reading CSV imports. General tools the apps use; nothing here knows an app."""
