"""The one interface between the review store's logic and where its records live.

:class:`tui.store.store.ReviewStore` holds the logic (folding decisions into states, validation, the
final view, undo, progress); an engine stores and delivers records. Two engines implement this:
the embedded folder of TinyDB files and journals (:mod:`tui.store.folder`) and PostgreSQL.

Records are plain JSON-ready dicts. An *index record* is ``(table, document)`` with table one of
``articles``, ``reviewers``, ``assignments``, ``takes``, ``settings``, ``removed``; a *decision* is
one reviewer's decision record (see :mod:`tui.store.history`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Protocol

Mode = Literal["read", "review", "add"]
IndexRecord = tuple[str, dict[str, Any]]

INDEX_TABLES = ("articles", "reviewers", "assignments", "takes", "settings", "removed")


class Engine(Protocol):
    kind: str  # "folder" | "postgresql"
    location: str  # shown to users: a path, or a URL with the password masked
    notices: list[str]  # things a user should be told (a torn line dropped...), once

    def open(self, mode: Mode, reviewer: str, holder: str) -> None:
        """Open (creating the store in "review"/"add" mode if it does not exist); in "review" mode take
        the reviewer's writer lock (one process per reviewer)."""

    def close(self) -> None: ...

    def load(self) -> tuple[list[IndexRecord], list[dict[str, Any]]]:
        """Everything so far: index records in order, and every reviewer's decisions (each reviewer's
        in their own order)."""

    def poll(self) -> tuple[list[IndexRecord], list[dict[str, Any]]]:
        """What other processes appended since the last load/poll (never one's own appends)."""

    def append_decisions(self, records: list[dict[str, Any]]) -> None:
        """Durably store the open reviewer's records as one transaction; raise StoreWriteError if not.
        Sets each record's ``seq``."""

    def add_article(
        self, row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> tuple[str, str, list[IndexRecord]]:
        """Store an article once, safe against other processes adding at the same time: returns
        ("added" | "duplicate", article id, index records others appended meanwhile)."""

    def append_index(self, records: list[IndexRecord]) -> list[IndexRecord]:
        """Durably append store-wide records (assignments, settings...); returns index records others
        appended meanwhile (already folded by the caller before its own)."""

    def read_article(self, row: dict[str, Any]) -> dict[str, Any]:
        """``{"article": {...}, "candidates": {id: candidate}}``, verified; StoreDamaged if not."""

    def size(self) -> int: ...

    def set_presence(self, reviewer: str, article: str | None) -> None: ...

    def presence(self) -> dict[str, dict[str, Any]]:
        """Who has which article open now: reviewer -> {"article", "at"}; stale entries left out."""


def decisions_of(records: Iterable[dict[str, Any]], reviewer: str) -> list[dict[str, Any]]:
    return [r for r in records if r.get("reviewer") == reviewer]
