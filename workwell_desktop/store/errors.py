"""Errors a coach or IT can act on. None of them ever carries the key or personal data."""

from __future__ import annotations


class StoreError(Exception):
    """Base: the message is written for the person in front of the screen."""


class NotInitialised(StoreError):
    pass


class AlreadyInitialised(StoreError):
    pass


class WrongPassphrase(StoreError):
    pass


class KeyMissing(StoreError):
    pass


class DatabaseUnreadable(StoreError):
    pass


class KeyNotSaved(StoreError):
    """The system credential store refused the wrapped key: the one kept before still stands."""


class WeakPassphrase(StoreError):
    pass


class InvalidRecord(StoreError):
    """A record failed validation; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {m}" for k, m in self.errors.items()))


class ImmutableRecord(StoreError):
    pass


class RecordNotFound(StoreError):
    pass
