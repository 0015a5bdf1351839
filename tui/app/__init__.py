"""The Textual review app. ``run(store)`` is what ``newsreview [PATH...]`` calls with an open store."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import ReviewStore

# Textual repaints on a frame timer (60 fps by default): a decision reaches the terminal on the next
# tick. 120 fps halves that wait; a frame costs us ~10 ms of CPU only when something changed.
os.environ.setdefault("TEXTUAL_FPS", "120")


def run(
    store: ReviewStore,
    *,
    start_article: str | None = None,
    model: str | None = None,
    adjudicate: bool = False,
    anonymous: bool = False,
) -> int:
    """Run the app; returns its exit code: non-zero after an unhandled exception (Textual has
    printed it and exited; every decision made before it is on disk already).

    ``adjudicate``: open on the adjudication screen (the store's disputed items); ``anonymous``:
    there (and when it is opened with J), show reviewers as "reviewer 1", "reviewer 2"… instead of
    their names."""
    import sys

    from .app import ReviewApp
    from .screens.exporter import still_running_lines
    from .terminal import drawing_on_the_terminal, tolerate_bad_input

    tolerate_bad_input()
    app = ReviewApp(store, start_article=start_article, model=model, adjudicate=adjudicate, anonymous=anonymous)
    with drawing_on_the_terminal():
        app.run()
    sys.stderr.writelines(still_running_lines())  # (E) not waited for, nor cut short: it finishes on its own
    return int(app.return_code or 0)
