"""Article text as data: control characters made visible one-for-one, and the styles of candidates.

Every string that came from an article goes to the screen as a Rich ``Text`` built here (never as
markup), after :func:`visible` has replaced control characters — ESC and the rest of C0/C1, DEL — by
visible symbols of the same length, so offsets into the article still index the displayed string.
"""

from __future__ import annotations

import zlib

from rich.style import Style
from rich.text import Text

from ..sanitize import clean


def visible(s: str) -> str:
    """Same length as ``s``; no character that a terminal would interpret (see :mod:`tui.sanitize`)."""
    return clean(s)


def plain(s: str, style: str | Style = "") -> Text:
    """A Text that shows ``s`` literally (no markup, no escapes)."""
    return Text(visible(s), style=style, no_wrap=False)


def one_line(s: str, limit: int = 80) -> str:
    s = clean(s).replace("\n", " ⏎ ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


PALETTE = [
    "#e5c07b",
    "#61afef",
    "#98c379",
    "#c678dd",
    "#56b6c2",
    "#e06c75",
    "#d19a66",
    "#8fbcbb",
    "#b48ead",
    "#a3be8c",
    "#ebcb8b",
    "#88c0d0",
]
FIXED = {
    "PERSON": "#e5c07b",
    "ORG": "#61afef",
    "GPE": "#98c379",
    "LOC": "#8fbcbb",
    "NORP": "#c678dd",
    "DATE": "#56b6c2",
    "CARDINAL": "#d19a66",
    "MONEY": "#a3be8c",
    "PERCENT": "#ebcb8b",
    "EVENT": "#e06c75",
}
STATUS_MARK = {"pending": "·", "accepted": "✓", "edited": "✎", "added": "+", "rejected": "✗", "removed": "−"}


def label_color(label: str) -> str:
    return FIXED.get(label) or PALETTE[zlib.crc32(label.encode()) % len(PALETTE)]


def entity_style(label: str, status: str) -> Style:
    color = label_color(label)
    if status == "rejected":
        return Style(color="grey50", strike=True)
    if status == "pending":
        return Style(color=color, underline=True)
    return Style(color="black", bgcolor=color, bold=True)


def claim_style(status: str) -> Style:
    if status == "rejected":
        return Style(dim=True, strike=True)
    if status == "pending":
        return Style(bgcolor="#2c323c")
    return Style(bgcolor="#1e3a2a")


SPEAKER_STYLE = Style(bold=True, underline=True, color="#ffb86c")
CUE_STYLE = Style(bold=True, italic=True, color="#ff79c6")
CURRENT_STYLE = Style(reverse=True)
SELECTION_STYLE = Style(bgcolor="#3b5bdb", color="white")
CURSOR_STYLE = Style(reverse=True, blink=False, underline=True)
