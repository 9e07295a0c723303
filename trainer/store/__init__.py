"""Persistence: SQLite database, recordings on disk, backups."""
