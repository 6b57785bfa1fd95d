"""Django's SQLite backend, refusing at once to begin a transaction while an import writes."""
