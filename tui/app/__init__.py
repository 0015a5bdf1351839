"""The Textual review app. ``run(store)`` is what ``newsreview [PATH...]`` calls with an open store."""

from __future__ import annotations

from typing import Any


def run(store: Any, *, start_article: str | None = None, model: str | None = None) -> None:
    from .app import ReviewApp

    ReviewApp(store, start_article=start_article).run()
