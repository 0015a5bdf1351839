"""The derived fields of a claim the analyst added or whose content moved: its numbers, hedges and
check-worthiness, worked out by the extraction's own code (:func:`extractors.claims.fields.claim_fields`)
with the spaCy pipeline the app already holds for adding articles.

:class:`ClaimFielder` (no display of its own, in the review screen) shares the
:class:`~tui.app.screens.add.ArticleAdder`'s loaded extractor. The pipeline is loaded lazily, once, in a
thread worker — never on the main thread, never per edit; :meth:`ClaimFielder.warm` starts that load
when the analyst starts something that may need it (a new claim, cursor mode on the claims, the editor
on a claim), so it is usually there when the decision is saved. Once loaded, a claim's fields take a
few milliseconds and are computed on the main thread, with the decision. A decision asked for before
the load finished waits for it (in order); if the pipeline cannot be loaded, the decision is saved
without fields and the callback is told why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from .text import one_line

#: serialises loading the extractor between the article adder's worker and this one
LOAD_LOCK = threading.Lock()

Fields = dict[str, Any]
#: called on the main thread with the fields, or None and the reason they could not be computed
Then = Callable[[Fields | None, str | None], None]


def loaded_extractor(model: str | None, cache: dict[str, Any]) -> Any:
    """The extractor in ``cache``, loaded there first if needed (in a worker thread: spaCy is slow)."""
    with LOAD_LOCK:
        if "extractor" not in cache:
            from ..ingest import load_extractor

            cache["extractor"] = load_extractor(model)  # (srsly turns automatic GC on: see collector.py)
        return cache["extractor"]


class ClaimFielder(Widget):
    """Numbers, hedges and check-worthiness for claims, with a pipeline loaded once in a worker."""

    DEFAULT_CSS = "ClaimFielder { display: none; }"

    class Loaded(Message):
        """Posted by the load worker: ``error`` is None when the pipeline is ready."""

        def __init__(self, error: str | None) -> None:
            self.error = error
            super().__init__()

    def __init__(self, model: str | None, cache: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self.cache = cache  # shared with the ArticleAdder: one loaded extractor for the app
        self.error: str | None = None  # why the pipeline could not be loaded (then no fields, ever)
        self.loading = False
        self.waiting: list[tuple[str, int, int, Then]] = []

    @property
    def ready(self) -> bool:
        return "extractor" in self.cache

    def warm(self) -> None:
        """Start loading the pipeline in a worker, unless it is loaded, loading or failed to load."""
        if self.ready or self.loading or self.error is not None:
            return
        self.loading = True
        model, cache = self.model, self.cache

        def work() -> None:
            try:
                loaded_extractor(model, cache)
            except Exception as err:  # a model that will not load: decisions are saved without fields
                self.post_message(self.Loaded(f"{type(err).__name__}: {err}"))
                return
            self.post_message(self.Loaded(None))

        self.run_worker(work, name="claim fields", thread=True, exit_on_error=False, group="nlp")

    def request(self, text: str, start: int, end: int, then: Then) -> bool:
        """``then(fields, None)`` for the claim ``text[start:end]`` — now if the pipeline is loaded
        (returns True), else once it is (returns False). ``then(None, reason)`` if it cannot be."""
        if self.error is not None:
            then(None, self.error)
            return True
        if self.ready:
            then(*self.compute(text, start, end))
            return True
        self.waiting.append((text, start, end, then))
        self.warm()
        return False

    def compute(self, text: str, start: int, end: int) -> tuple[Fields | None, str | None]:
        from extractors.claims.fields import claim_fields  # spaCy is imported by now (the load did)

        try:
            return dict(claim_fields(self.cache["extractor"], text, start, end)), None
        except Exception as err:  # an odd span the pipeline chokes on must not lose the decision
            return None, f"{type(err).__name__}: {err}"

    def on_claim_fielder_loaded(self, message: Loaded) -> None:
        message.stop()
        self.loading = False
        self.error = message.error
        waiting, self.waiting = self.waiting, []
        for text, start, end, then in waiting:
            if self.error is not None:
                then(None, self.error)
            else:
                then(*self.compute(text, start, end))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        event.stop()
        if event.state == WorkerState.ERROR:  # the worker catches everything; this is the last resort
            self.post_message(self.Loaded(one_line(str(event.worker.error), 200)))


def not_computed(reason: str | None) -> str:
    """The status line's words for a decision saved without its claim fields."""
    return f"saved, but the claim's numbers and check-worthiness could not be computed: {one_line(reason or '', 80)}"
