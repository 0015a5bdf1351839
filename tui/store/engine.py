"""The one interface between the review store's logic and where its records live.

:class:`tui.store.store.ReviewStore` holds the logic (folding decisions into states, validation, the
final view, undo, progress); an engine stores and delivers records. Two engines implement this:
the embedded folder of TinyDB files and journals (:mod:`tui.store.folder`) and a PostgreSQL
database (:mod:`tui.store.postgres`, chosen by a ``postgresql://`` location).

Records are plain JSON-ready dicts. An *index record* is ``(table, document)`` with table one of
``articles``, ``reviewers``, ``assignments``, ``takes``, ``settings``, ``removed``, ``extractions``; a *decision* is
one reviewer's decision record (see :mod:`tui.store.history`).

Decisions are delivered by article, on demand (:class:`DecisionSource`), so that opening a store
costs little however many decisions it holds: the store folds an article's decisions the first time
it needs them and otherwise works from per-article summaries the engine keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Protocol

Mode = Literal["read", "review", "add"]
IndexRecord = tuple[str, dict[str, Any]]


class DecisionSource(Protocol):
    """Every reviewer's decisions, by article."""

    #: article -> summary ({"decided": {reviewer: {key: n}}, "done": {reviewer: {key: n}},
    #: "adjudicated": {lead: {key: n}}, "final": {key: {status: n}}, "alive": {key: n}}; keys are
    #: labels, or "*claim"; "done" also counts a lead's rulings where she made no review)
    #: still valid for the decisions as delivered; articles not in it are summarised by folding
    entries: dict[str, dict[str, Any]]
    dirty: set[str]  # articles with decisions newer than the summaries

    def touched(self) -> dict[str, set[str]]:
        """article -> the reviewers who made decisions on it."""

    def records(self, aid: str) -> list[dict[str, Any]]:
        """Every decision on one article: each reviewer's in their order."""

    def agree(self, aid: str) -> list[Any] | None:
        """The agreement rows kept with a still-valid summary (may be stored apart from it), or None."""


class Engine(Protocol):
    kind: str  # "folder" | "postgresql"
    location: str  # shown to users: a path, or a URL with the password masked
    notices: list[str]  # things a user should be told (a torn line dropped...), once
    damage: str | None  # what a poll found changed behind the open store (a journal edited by hand), for good
    offset: float  # the store's clock less this machine's, as last read by clock_offset (or a poll)

    def open(self, mode: Mode, reviewer: str, holder: str, *, create: bool = True) -> None:
        """Open (creating the store in "review"/"add" mode if it does not exist and ``create``); in
        "review" mode take the reviewer's writer lock (one process per reviewer)."""

    def close(self) -> None: ...

    def clock_offset(self) -> float:
        """Seconds to add to this machine's clock to read the store's own: the shared filesystem's
        (a file's modification time, set by the file server), the database server's. Zero when they
        agree within a second or two, or cannot be read. Records are stamped, and leases and presence
        timed, on it: a desk's machines whose clocks disagree then agree on the store's."""

    def load(self) -> tuple[list[IndexRecord], DecisionSource]:
        """The index records so far, in order, and the decisions (read by article on demand)."""

    def poll(self) -> tuple[list[IndexRecord], list[dict[str, Any]]]:
        """What other processes appended since the last load/poll (never one's own appends)."""

    def recent(self, reviewer: str) -> Iterator[dict[str, Any]]:
        """One reviewer's decision records, newest first (for undo and redo)."""

    def stats(self) -> dict[str, tuple[int, str | None]]:
        """reviewer -> (how many decision records, the time of the latest)."""

    def append_decisions(self, records: list[dict[str, Any]]) -> None:
        """Durably store the open reviewer's records as one transaction; raise StoreWriteError if not.
        Sets each record's ``seq``."""

    def save_cache(self, entries: dict[str, dict[str, Any]]) -> None:
        """Keep the per-article summaries for the next open (best effort: derived data)."""

    def add_article(
        self, row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> tuple[str, str, list[IndexRecord]]:
        """Store an article once, safe against other processes adding at the same time: returns
        ("added" | "duplicate", article id, index records others appended meanwhile)."""

    def append_index(self, records: list[IndexRecord]) -> list[IndexRecord]:
        """Durably append store-wide records (assignments, settings...); returns index records others
        appended meanwhile (the caller folds them before its own)."""

    def read_article(self, row: dict[str, Any]) -> dict[str, Any]:
        """``{"article": {...}, "candidates": {id: candidate}}``, verified; StoreDamaged if not."""

    def size(self) -> int: ...

    def set_presence(self, reviewer: str, article: str | None) -> None: ...

    def presence(self) -> dict[str, dict[str, Any]]:
        """Who has which article open now: reviewer -> {"article", "at"}; stale entries left out."""
