"""The review store: articles, the machine's candidates, and every reviewer's decisions.

:class:`ReviewStore` is the one interface the CLI, the export and the app use. It keeps in memory what
the engine (a folder, or PostgreSQL) delivers — the article index and every reviewer's decision
records — and derives from them each candidate's state: per reviewer (each one's own history, undo and
redo), and the desk's *final view* (an adjudicator's choice, else what every reviewer who decided
agrees on, else ``disputed``). Writes go to the engine first and are folded in memory only once the
engine has made them durable. The class is put together from one module per job (see
:mod:`tui.store.core`); this one opens and closes it.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from pathlib import Path
from typing import cast

from ..sanitize import clean_line
from . import validation
from .core import Changes, StoreCore, no_gc
from .deciding import DecidingMixin
from .engine import Engine, Mode
from .errors import StoreDamaged, StoreError
from .intake import IntakeMixin
from .learning import LearningMixin
from .lock import describe_command
from .summaries import SummariesMixin
from .team import TeamMixin
from .urls import is_url

__all__ = ["Changes", "ReviewStore", "default_reviewer", "engine_for"]


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "analyst"


def engine_for(location: str | os.PathLike[str]) -> Engine:
    text = os.fspath(location)
    if is_url(text):  # the scheme in any case, as everywhere else (urls.is_url); libpq wants it lower
        scheme, sep, rest = text.partition("://")
        text = scheme.lower() + sep + rest
        from .postgres import PostgresEngine  # type: ignore[import-not-found,unused-ignore]

        return cast(Engine, PostgresEngine(text))
    scheme, sep, _ = text.partition("://")
    if sep and scheme and all(ch.isalnum() or ch in "+.-" for ch in scheme):  # a URL, but not one we serve
        raise StoreError(
            f"--store: unknown kind of store '{clean_line(scheme, 20)}://' (use postgresql://… or a folder path)"
        )
    from .folder import FolderEngine

    return FolderEngine(Path(text).expanduser())


class ReviewStore(DecidingMixin, IntakeMixin, LearningMixin, SummariesMixin, TeamMixin, StoreCore):
    """Open with :meth:`open`; use as a context manager. Any number of readers and of reviewers, one
    writing process per reviewer."""

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        write: bool = False,
        mode: Mode | None = None,
        reviewer: str | None = None,
        holder: str | None = None,
        create: bool = True,
    ) -> ReviewStore:
        """``mode``: "read" (status, export), "add" (adding articles only: no reviewer lock), "review"
        (decisions as ``reviewer``; one process per reviewer). ``write=True`` means "review".
        ``create=False``: a store that is not there is an error in every mode (a command that works
        on a store's articles: a mistyped --store must not make a new, empty store)."""
        chosen: Mode = mode or ("review" if write else "read")
        name = validation.reviewer_name(reviewer if reviewer is not None else default_reviewer())
        engine = engine_for(location)
        engine.open(chosen, name, holder or describe_command(), create=create)
        store = cls(engine, mode=chosen, reviewer=name)
        try:
            store._load()
        except BaseException:
            engine.close()
            raise
        return store

    def _load(self) -> None:
        index, log = self.engine.load()
        with no_gc():
            for table, doc in index:
                self._fold_index(table, doc)
        self._log = log
        self._touched = log.touched()
        for aid, names in self._touched.items():
            for who in names:
                self.assignments.started(aid, who)
        self._entries = self._current_summaries(log.entries)
        # summaries of another version (an upgrade) or extraction are folded again when asked for, and
        # saved by the next writing session even if it decides nothing: not refolded on every status
        self._log_changed = bool(log.dirty) or len(self._entries) < len(log.entries)

    def close(self) -> None:
        try:
            if self.mode != "read" and self._log_changed:
                self._save_cache()
            if self._desk is not None:
                self._desk.save()  # derived data, any mode: what it learnt is not learnt again
        finally:
            self.engine.close()

    def _save_cache(self) -> None:
        entries = dict(self._entries)
        for aid in self._folded:
            if aid in self._articles:
                with contextlib.suppress(StoreDamaged):  # best effort: a damaged article is left out
                    entries[aid] = self._entry(aid, with_memory=True)
        self.engine.save_cache({aid: e for aid, e in entries.items() if aid in self._touched})

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
