"""Widgets the analyst closes are let go (tui/app/leaks.py): QA's half-hour session grew from 257 to
440 MB and its full collections to ~0.9 s, because Textual 8.2.8 kept every footer key and every
widget's painted lines of every dialog ever opened."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from typing import Any

import pytest
from app_support import several_store
from textual._styles_cache import StylesCache
from textual.dom import DOMNode

from tui.app.app import ReviewApp
from tui.app.leaks import prune_watchers


def _nodes(app: ReviewApp) -> list[DOMNode]:
    return [node for screen in app.screen_stack for node in screen.walk_children(with_self=True)]


def _styles_caches() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, StylesCache))


@pytest.mark.parametrize("keys", [("l", "escape"), ("question_mark", "escape"), ("e", "escape"), ("tab", "tab")])
async def test_closed_dialogs_and_footer_keys_are_let_go(tmp_path, keys: tuple[str, ...]) -> None:
    store = several_store(tmp_path / "store")
    app = ReviewApp(store, config=tmp_path / "cfg")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            gc.unfreeze()  # (the app froze what it started with: those could never be let go)
            seen: weakref.WeakSet[DOMNode] = weakref.WeakSet()
            caches = []
            for _ in range(12):
                for key in keys:
                    await pilot.press(key)
                    await pilot.pause()
                    seen.update(_nodes(app))
                caches.append(_styles_caches())
            await pilot.pause()
            gc.collect()
            live = set(app._registry)
            left = Counter(type(node).__name__ for node in seen if node not in live)
            # (the last dialog's focused widget may linger in a context variable until the next key)
            assert left.total() <= 2, f"closed widgets still alive: {left}"
            # each widget has one StylesCache: Textual's get_inner_outer kept the last 1,024 painted
            assert caches[-1] - caches[3] <= 5, caches
            assert _styles_caches() <= len(live) + 20
            await pilot.press("q")
    finally:
        store.close()


def test_prune_watchers_drops_only_closed_nodes() -> None:
    class Node:
        def __init__(self, closing: bool = False, closed: bool = False) -> None:
            self._closing, self._closed = closing, closed

    class Watched:
        pass

    watched: Any = Watched()
    kept = (Node(), print)
    setattr(watched, "__watchers", {"compact": [(Node(closing=True), print), kept, (Node(closed=True), print)]})
    assert prune_watchers(watched) == 2
    assert getattr(watched, "__watchers") == {"compact": [kept]}
    assert prune_watchers(object()) == 0
