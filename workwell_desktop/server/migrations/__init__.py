"""Alembic migrations of the sync server database (a package so that installs include them)."""
