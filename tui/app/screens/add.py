"""Adding articles from inside the app: a path prompt, then extraction in a worker thread.

spaCy is imported only here, inside the worker, the first time an article is added; the screen shows
a loading state meanwhile. The worker never touches widgets or the store: it posts a message and the
screen stores the results on the main thread (the store has one writer: this process, one thread).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PathPrompt(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", id="add.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Add articles: a file or folder (.txt .md .html .json .jsonl)", style="bold"))
            yield Input(placeholder="path, e.g. ~/cases/feed.jsonl", id="add-path")
            yield Static(
                Text("enter adds; escape cancels. The spaCy model loads the first time (a few seconds).", style="dim")
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Extracted(Message):
    """Posted by the worker: what it extracted and what failed (one-line reasons)."""

    def __init__(self, extractions: list[Any], failed: list[str]) -> None:
        self.extractions = extractions
        self.failed = failed
        super().__init__()


def extract_paths(path: str, model: str | None, cache: dict[str, Any]) -> Extracted:
    """Runs in the worker thread."""
    from pathlib import Path

    from extractors.loaders import iter_articles
    from extractors.nlp import ModelError
    from extractors.records import InputError

    items = list(iter_articles([Path(path).expanduser()]))
    failed = [str(i) for i in items if isinstance(i, InputError)]
    articles = [i for i in items if not isinstance(i, InputError)]
    if not articles:
        return Extracted([], failed)
    try:
        if "extractor" not in cache:
            from extractors.pipeline import Extractor

            cache["extractor"] = Extractor(model).load()
        return Extracted(list(cache["extractor"].extract(articles)), failed)
    except ModelError as err:
        return Extracted([], [*failed, str(err)])
