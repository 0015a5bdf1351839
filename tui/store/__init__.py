"""The review store (TinyDB-backed, append-only history, one writer). Never imports Textual or spaCy."""

from .journal import StoreDamaged, StoreError, StoreWriteError
from .lock import StoreLocked
from .store import DecisionError, ReviewStore, default_reviewer

__all__ = [
    "DecisionError",
    "ReviewStore",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreWriteError",
    "default_reviewer",
]
