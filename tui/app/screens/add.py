"""Adding articles from inside the app: a path prompt, then loading and extraction in worker threads,
through the same functions as ``newsreview add`` (:mod:`tui.ingest`).

:class:`ArticleAdder` is the whole workflow, out of sight in the review screen: spaCy is imported
only inside its worker, the first time an article is added, and it tells the screen when it is busy
(the status bar shows it) and what it added. Workers never touch widgets or the store: they post
messages, and the adder checks duplicates and stores the results on the main thread (one writer:
this thread). Nothing a worker meets — a file that cannot be read, an article the extractor chokes
on, an exception of any kind — escapes: each becomes a notification naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from extractors.records import Article

from ...store import StoreError
from ..bindings import ADD, Keys
from ..fields import loaded_extractor
from ..text import one_line
from ..widgets.footer import DialogFooter
from .once import ClosesOnce

if TYPE_CHECKING:
    from ...store import ReviewStore


class PathPrompt(ClosesOnce, ModalScreen[str | None]):
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
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:  # Enter (a priority binding, shown in the footer) or the box's own
        self.dismiss(self.query_one("#add-path", Input).value.strip() or None)

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
        self.answers: list[Article] = []  # Prodigy tasks on a text already read: their answers still count
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
    from textual.worker import get_current_worker

    from ...ingest import extract_articles

    worker = get_current_worker()
    try:
        extractions, failed = extract_articles(
            loaded_extractor(model, cache), articles, stop=lambda: worker.is_cancelled
        )
    except Exception as err:  # the model would not load, or worse: every article here failed
        reason = f"{type(err).__name__}: {err}"
        return Extracted(path, [], [f"{a.path or one_line(path, 200)}: extraction failed: {reason}" for a in articles])
    return Extracted(path, extractions, failed)


class ArticleAdder(Widget):
    """The ``+`` workflow (no display of its own): read a path, extract what is new, store it."""

    DEFAULT_CSS = "ArticleAdder { display: none; }"

    class Busy(Message):
        """What the adder is doing now ("" when it is done)."""

        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    class Done(Message):
        """The ids of the articles added (the first one is worth opening)."""

        def __init__(self, added: list[str]) -> None:
            self.added = added
            super().__init__()

    def __init__(self, store: ReviewStore, model: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.model = model
        self.busy = ""
        self.cache: dict[str, Any] = {}  # the loaded extractor, kept between additions

    def _set_busy(self, text: str) -> None:
        self.busy = text
        self.post_message(self.Busy(text))

    def start(self, path: str) -> None:
        self._set_busy(f"reading {one_line(path, 60)}…")
        self.run_worker(
            lambda: self.post_message(load_path(path)), name=path, thread=True, exit_on_error=False, group="nlp"
        )

    def on_loaded(self, message: Loaded) -> None:
        """Read articles: the duplicates are reported here; the rest go to the extraction worker."""
        message.stop()
        todo: list[Article] = []
        dup = 0
        seen: set[str] = set()
        more: list[Article] = []  # another annotator's task on a text already here (Prodigy db-out)
        for article in message.articles:
            if article.text_sha in seen or self.store.find_duplicate(article.text_sha):
                dup += 1
                if article.task is not None:
                    more.append(article)
            else:
                seen.add(article.text_sha)
                todo.append(article)
        if not todo:
            failed = message.failed + self._record_answers([], more)
            self._finish(message.path, [], dup, failed)
            return
        first = "extractor" not in self.cache
        what = f"{len(todo)} article{'s' if len(todo) > 1 else ''} from {one_line(message.path, 40)}…"
        self._set_busy(("loading the spaCy model, then extracting " if first else "extracting ") + what)
        path, model, cache, failed = message.path, self.model, self.cache, message.failed

        def work() -> None:
            result = extract(path, todo, model, cache)
            result.failed[:0] = failed
            result.duplicates = dup
            result.answers = more
            self.post_message(result)

        self.run_worker(work, name=path, thread=True, exit_on_error=False, group="nlp")

    def on_extracted(self, message: Extracted) -> None:
        """The worker's results, stored here on the main thread."""
        message.stop()
        added: list[str] = []
        dup = message.duplicates
        failed = list(message.failed)
        answered: list[tuple[str, Article]] = []  # (the article holding its text, a Prodigy task)
        for extraction in message.extractions:
            where = one_line(getattr(extraction.article, "path", "") or message.path, 200)
            try:
                status, aid = self.store.add_article(extraction)
            except StoreError as err:
                self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
                break
            except Exception as err:  # an article the store cannot take must not take the app down
                failed.append(f"{where}: could not be stored: {type(err).__name__}: {err}")
                continue
            if status == "added":
                added.append(aid)
            else:
                dup += 1
            if extraction.article.task is not None:
                answered.append((aid, extraction.article))
        failed += self._record_answers(answered, message.answers)
        self._finish(message.path, added, dup, failed)

    def _record_answers(self, answered: list[tuple[str, Article]], more: list[Article]) -> list[str]:
        """Prodigy tasks: their annotators' answers become those reviewers' decisions (``more``: tasks on
        a text the store already holds). Returns the failures, one line each."""
        if not answered and not more:
            return []
        from ...ingest import record_answers

        try:
            tasks, refused = record_answers(self.store, answered, more=more)
        except StoreError as err:
            self.notify(str(err), title="answers not saved", severity="error", markup=False, timeout=8)
            return []
        if tasks:
            recorded = len(tasks)
            self.notify(
                f"{recorded} Prodigy answer{'s' if recorded != 1 else ''} recorded as decisions",
                markup=False,
                timeout=5,
            )
        return refused

    def _finish(self, path: str, added: list[str], dup: int, failed: list[str]) -> None:
        for reason in failed:
            self.notify(reason, title="not added", severity="error", markup=False, timeout=10)
        self.notify(
            f"{one_line(path, 80)}: added {len(added)}, duplicate {dup}, failed {len(failed)}",
            markup=False,
            timeout=5,
        )
        self.busy = ""
        self.post_message(self.Done(added))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        event.stop()
        if event.state == WorkerState.ERROR:  # the workers catch everything; this is the last resort
            self.notify(
                f"{one_line(event.worker.name, 200)}: adding failed: {event.worker.error}",
                title="not added",
                severity="error",
                markup=False,
                timeout=10,
            )
            self.busy = ""
            self.post_message(self.Done([]))
