"""Two ways Textual 8.2.8 keeps removed widgets alive, undone.

Both held every strip the widgets had painted: a soak session grew from 257 to 440 MB in half an
hour, and the full collection that scans it all grew to ~0.9 s, felt as a key taking as long (QA,
stop 48; a Pilot loop of the article queue opened and closed 30 times left 162,000 objects behind).

**Watchers.** ``widget.watch(other, "attr", …)`` — and ``data_bind``, which calls it — keeps ``(widget, callback)``
on ``other``; Textual drops the entries of closed widgets only when ``other.attr`` changes
(Textual issue #6666, open in 8.2.8). ``Footer.compact`` and ``App.theme`` hardly ever change, so
every footer key of every footer recompose (each screen change, each change of focus: 22 keys) and
every text view of every dialog stayed alive. :func:`prune_watchers` does what Textual does on a
change; :class:`PrunedFooter` after each recompose, the app before each full collection.

**Styles caches.** ``StylesCache.get_inner_outer`` is an instance method under ``lru_cache(1024)``
(Textual issue #6665): its key holds the widget's ``StylesCache`` — and so the lines it last
painted — for the last 1,024 widgets painted, removed or not. :func:`install` puts a method in its
place whose cache is keyed by the two colours alone (the result never depended on the instance).
``DataTable._get_styles_to_render_cell`` is another (32 entries: the last few tables, the article
queue's with every article's row); :func:`let_go_of_tables` empties it when the queue closes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.app import App
from textual.color import Color
from textual.style import Style
from textual.widgets import DataTable, Footer

_WATCHERS = "__watchers"  # where Textual's ``_watch`` keeps them on the watched object


def _gone(node: Any) -> bool:
    return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False))


def prune_watchers(watched: object) -> int:
    """Drop the watchers of closed nodes from ``watched``; how many were dropped."""
    lists = getattr(watched, _WATCHERS, None)
    if not isinstance(lists, dict):
        return 0
    dropped = 0
    for entries in lists.values():
        kept = [entry for entry in entries if not _gone(entry[0])]
        dropped += len(entries) - len(kept)
        entries[:] = kept
    return dropped


def let_go_of_tables() -> None:
    """Empty ``DataTable``'s per-instance style cache (the tables it holds may have closed)."""
    clear = getattr(DataTable._get_styles_to_render_cell, "cache_clear", None)
    if callable(clear):
        clear()


def prune_all(app: App[Any]) -> None:
    """:func:`prune_watchers` on the app and every node it has registered, and :func:`let_go_of_tables`."""
    let_go_of_tables()
    for node in [app, *app._registry]:
        prune_watchers(node)


class PrunedFooter(Footer):
    """Textual's footer, letting go of the keys each recompose replaces (their ``compact`` binding)."""

    async def recompose(self) -> None:
        await super().recompose()
        prune_watchers(self)


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    """Textual's ``get_inner_outer``, cached by the colours only."""
    return _inner_outer(base_background, background)


def install() -> None:
    """Put :func:`_get_inner_outer` in place of Textual's (and let go of what Textual's cached)."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is _get_inner_outer:
        return
    clear = getattr(current, "cache_clear", None)
    if callable(clear):
        clear()
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
