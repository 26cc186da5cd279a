"""Fixtures and helpers shared across the test folders (registered in tests/conftest.py)."""
