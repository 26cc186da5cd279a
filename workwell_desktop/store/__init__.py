"""Encrypted local storage: SQLCipher database, key management, change log, audit trail."""

from .database import Store, is_initialised
from .errors import (
    AlreadyInitialised,
    DatabaseUnreadable,
    ImmutableRecord,
    InvalidRecord,
    KeyMissing,
    KeyNotSaved,
    NotInitialised,
    RecordNotFound,
    StoreError,
    WeakPassphrase,
    WrongPassphrase,
)

__all__ = [
    "Store",
    "is_initialised",
    "StoreError",
    "NotInitialised",
    "AlreadyInitialised",
    "WrongPassphrase",
    "KeyMissing",
    "KeyNotSaved",
    "DatabaseUnreadable",
    "WeakPassphrase",
    "InvalidRecord",
    "ImmutableRecord",
    "RecordNotFound",
]
