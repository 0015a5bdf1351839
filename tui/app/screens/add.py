"""Adding articles from inside the app: a path prompt, then loading and extraction in worker threads,
through the same functions as ``newsreview add`` (:mod:`tui.ingest`).

spaCy is imported only here, inside the worker, the first time an article is added; the status bar
shows a loading state meanwhile. Workers never touch widgets or the store: they post messages and
the screen checks duplicates and stores the results on the main thread (one writer: this thread).
Nothing a worker meets — a file that cannot be read, an article the extractor chokes on, an
exception of any kind — escapes it: each becomes a failure line naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from extractors.records import Article

from ..bindings import ADD, Keys
from ..text import one_line


class PathPrompt(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = list(ADD)

    def __init__(self, keys: Keys) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Add articles: a file or folder (.txt .md .html .json .jsonl)", style="bold"))
            yield Input(placeholder="path, e.g. ~/cases/feed.jsonl", id="add-path")
            yield Static(
                Text(
                    f"enter adds; {self.keys.show('add.cancel')} cancels. "
                    "The spaCy model loads the first time (a few seconds).",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Loaded(Message):
    """Posted by the load worker: the articles read from ``path`` and what failed (one line each)."""

    def __init__(self, path: str, articles: list[Article], failed: list[str]) -> None:
        self.path = path
        self.articles = articles
        self.failed = failed
        super().__init__()


class Extracted(Message):
    """Posted by the extraction worker: what it extracted and what failed (one line each)."""

    def __init__(self, path: str, extractions: list[Any], failed: list[str], duplicates: int = 0) -> None:
        self.path = path
        self.extractions = extractions
        self.failed = failed
        self.duplicates = duplicates  # found before extraction (the screen checks the store)
        super().__init__()


def load_path(path: str) -> Loaded:
    """Runs in a worker thread: read every article under ``path``."""
    from ...ingest import load_articles

    try:
        articles, failed = load_articles([Path(path).expanduser()])
    except Exception as err:  # load_articles reports per path; this is the last line of defence
        return Loaded(path, [], [f"{one_line(path, 200)}: could not be read: {type(err).__name__}: {err}"])
    return Loaded(path, articles, failed)


def extract(path: str, articles: list[Article], model: str | None, cache: dict[str, Any]) -> Extracted:
    """Runs in a worker thread: load the model once (kept in ``cache``), extract ``articles``."""
    from ...ingest import extract_articles, load_extractor

    try:
        if "extractor" not in cache:
            cache["extractor"] = load_extractor(model)
        extractions, failed = extract_articles(cache["extractor"], articles)
    except Exception as err:  # the model would not load, or worse: every article here failed
        reason = f"{type(err).__name__}: {err}"
        return Extracted(path, [], [f"{a.path or one_line(path, 200)}: extraction failed: {reason}" for a in articles])
    return Extracted(path, extractions, failed)
