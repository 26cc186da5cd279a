"""Dialogs that record something about a client; each validates as the coach types."""
