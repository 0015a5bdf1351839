"""The review store: TinyDB-backed, append-only, one journal per reviewer. Never imports Textual or spaCy."""

from .errors import (
    DecisionError,
    NotALead,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    StoreWriteError,
    Unchanged,
)
from .store import Changes, ReviewStore, default_reviewer

__all__ = [
    "Changes",
    "DecisionError",
    "NotALead",
    "ReviewStore",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreUnavailable",
    "StoreWriteError",
    "Unchanged",
    "default_reviewer",
]
