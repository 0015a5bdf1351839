"""``NO_COLOR``: the screen in greys, every mark still legible.

Textual honours ``NO_COLOR`` by turning each colour into the grey of its brightness. Red is dark:
the dispute mark ``⚠``, the ``✗`` of a rejection, the status line's "⚠ 2 disputed" and the SELECT
badge came out grey 237 on a grey 234 background (QA, tmux with ``NO_COLOR=1``) — there, and
unreadable. :class:`LegibleMonochrome` does what Textual's filter does, then moves any foreground
too close to its background away from it, so that what colour told apart is at least visible; bold,
reverse and the marks themselves carry the meaning.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.filter import Monochrome, monochrome_style

#: the least brightness difference (0–1) kept between a grey foreground and its background
MIN_CONTRAST = 0.4


@lru_cache(1024)
def legible(style: Style, background: Color) -> Style:
    """``style`` in greys, its foreground at least :data:`MIN_CONTRAST` from its background (its own
    background, else the widget's ``background``)."""
    mono = monochrome_style(style)
    if mono.color is None:
        return mono
    fg = Color.from_rich_color(mono.color)
    bg = Color.from_rich_color(mono.bgcolor) if mono.bgcolor is not None else background.monochrome
    lf, lb = fg.brightness, bg.brightness
    if abs(lf - lb) >= MIN_CONTRAST:
        return mono
    target = lb + MIN_CONTRAST if lb < 0.5 else lb - MIN_CONTRAST
    grey = round(max(0.0, min(1.0, target)) * 255)
    return mono + Style(color=Color(grey, grey, grey).rich_color)


class LegibleMonochrome(Monochrome):
    """Textual's ``Monochrome`` filter, with a least contrast (:func:`legible`)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else legible(style, background), None) for text, style, _ in segments
        ]


def use_legible_greys(app: App[Any]) -> bool:
    """Put :class:`LegibleMonochrome` in place of the ``Monochrome`` filter Textual gave ``app`` for
    ``NO_COLOR`` (a terminal with its own ANSI colours gets ``NoColor``, the terminal's defaults, which
    stays). True when it did. Reaches into ``App._filters`` (Textual 8): a test fails if that goes."""
    filters = getattr(app, "_filters", None)
    if not app.no_color or not isinstance(filters, list):
        return False
    for i, each in enumerate(filters):
        if type(each) is Monochrome:
            filters[i] = LegibleMonochrome()
            return True
    return False
