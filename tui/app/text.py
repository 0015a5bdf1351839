"""Outside text on screen, and the colours of candidates.

Every string that came from outside (article text, labels, names, ids, titles, file names) reaches
the screen through :func:`tui.sanitize.clean` / :func:`tui.sanitize.clean_line` (wrapped here as
:func:`one_line`), as a Rich ``Text`` — never as markup. ``clean`` keeps the length, so offsets into
the article index the displayed string one for one.

Label colours are fixed hues; :class:`Palette` adapts them to the theme in force (darker on light
backgrounds, so every label stays readable) and the Line-API widgets turn Rich ``Text`` into strips
through :func:`to_strip`, which gives every segment a style (Textual's NO_COLOR filter needs one).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import regex
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from ..sanitize import clean, clean_line

#: what terminals disagree on the width of, and Rich too: a zero-width joiner, a variation selector,
#: a skin-tone modifier (tmux 3.3 draws 👍🏽 in 4 cells where Rich counts 2, a lone modifier in 2
#: where Rich counts 0, ❤️ in 1 where Rich counts 2), which shifts every cell after it on the row
_UNSTABLE_WIDTH = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
#: one of them attached to nothing (a skin tone or joiner after no emoji, a selector after a space):
#: drawn as ◌, the usual stand-in for a mark without its base, so the analyst sees that it is there
_LONE = regex.compile(
    "(?<![\\p{Extended_Pictographic}\\p{Regional_Indicator}\u200d\ufe0f\U0001f3fb-\U0001f3ff])"
    "[\U0001f3fb-\U0001f3ff]|(?<=^|\\s)[\u200d\ufe0e\ufe0f]"
)  # (a joiner after a letter is spelling in Indic scripts — ශ්‍රී — not lone: drawn as zero width)
LONE_MARK = "\u25cc"
_STEADY = str.maketrans(dict.fromkeys([0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)], "\u200b"))


def steady(text: str) -> str:
    """``text`` with each joiner, variation selector and skin tone as a zero-width space, or as ◌
    where it is attached to nothing (same length, so offsets still index it): every terminal and
    Rich then agree on each line's width (👩‍💻 shows as 👩💻, 👍🏽 as 👍). The copy that is drawn;
    the article itself keeps them."""
    if _UNSTABLE_WIDTH.search(text) is None:
        return text
    return str(_LONE.sub(LONE_MARK, text)).translate(_STEADY)


def one_line(s: object, limit: int = 80) -> str:
    """One line (newlines shown as ⏎), control characters made visible, cut to ``limit``, and like
    :func:`steady`: joiners, selectors and skin tones left out, those attached to nothing shown as ◌."""
    text = s if isinstance(s, str) else str(s)
    if _UNSTABLE_WIDTH.search(text) is not None:
        text = _UNSTABLE_WIDTH.sub("", str(_LONE.sub(LONE_MARK, text)))
    return clean_line(text, limit)


def show_value(value: object, limit: int = 30) -> str:
    """A stored field's value, short and in words: a text (or a span's text) quoted, a list as its first
    few, nothing as "none", a score to two places — never Python's syntax (QA, stops 44–45: the detail
    panel and the adjudication screen showed ``label='ORG'`` and ``numbers=[{'start': 160, …``)."""
    if isinstance(value, dict) and "text" in value:
        value = value["text"]
    if isinstance(value, str):
        return f"\u201c{one_line(value, limit)}\u201d"
    if value is None or value == []:
        return "none"
    if isinstance(value, list):
        shown = ", ".join(show_value(v, limit) for v in value[:3])
        return shown + (f" +{len(value) - 3} more" if len(value) > 3 else "")
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{one_line(k, 20)} {show_value(v, limit)}" for k, v in list(value.items())[:3])
    return one_line(value, 40)


def field_name(key: object) -> str:
    """A stored field's name as words: ``token_start`` → ``token start``."""
    return one_line(key, 20).replace("_", " ")


def safe(s: object, style: str | Style = "") -> Text:
    """A Text showing ``s`` literally: no markup, no escapes, newlines kept, :func:`steady`."""
    return Text(steady(clean(s)), style=style)


def to_strip(text: Text, console: Console, base: Style) -> Strip:
    """One rendered line as a Strip whose every segment has a style (``base`` under the spans)."""
    segments = [
        Segment(seg.text, base + seg.style if seg.style else base)
        for seg in text.render(console)
        if seg.text and seg.text != "\n"
    ]
    return Strip(segments)


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
    """The hue of a label (before the theme adapts it)."""
    return FIXED.get(label) or PALETTE[zlib.crc32(label.encode("utf-8", "replace")) % len(PALETTE)]


def label_chip(label: str) -> Style:
    """A label on its own colour, the text black or white (readable on any theme)."""
    fill = Color.parse(label_color(label))
    return Style(color=fill.get_contrast_text(1.0).rich_color, bgcolor=fill.rich_color)


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 … 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(color: Color, background: Color, minimum: float = 3.0) -> Color:
    """``color`` darkened (light background) or lightened (dark background) until it reads."""
    light_bg = _luminance(background) > 0.4
    for _ in range(12):
        if contrast(color, background) >= minimum:
            break
        color = color.darken(0.06) if light_bg else color.lighten(0.06)
    return color


@dataclass
class Palette:
    """Entity styles for one background: pending = the label's colour as text, underlined; decided =
    filled with it (text in black or white, whichever reads), in italics when edited or added;
    rejected = struck through, muted. A decided candidate the desk disputes is underlined too (a
    glance at the article shows where reviewers differ)."""

    background: Color
    foreground: Color
    _cache: dict[tuple[str, str, bool], Style] = field(default_factory=dict)

    def text_color(self, label: str) -> Color:
        return readable(Color.parse(label_color(label)), self.background)

    def label(self, label: str) -> Style:
        key = (label, "", False)
        style = self._cache.get(key)
        if style is None:
            style = self._cache[key] = Style(color=self.text_color(label).rich_color)
        return style

    def entity(self, label: str, status: str, *, disputed: bool = False) -> Style:
        """``disputed``: the desk disputes the candidate (:func:`~tui.store.versions.in_dispute`)."""
        key = (label, status, disputed)
        style = self._cache.get(key)
        if style is None:
            if status == "rejected":
                muted = self.foreground.blend(self.background, 0.5)
                style = Style(color=muted.rich_color, strike=True, underline=disputed)
            elif status == "pending":
                style = Style(color=self.text_color(label).rich_color, underline=True)
            else:
                fill = Color.parse(label_color(label))
                style = Style(
                    color=fill.get_contrast_text(1.0).rich_color,
                    bgcolor=fill.rich_color,
                    bold=True,
                    italic=status in ("edited", "added"),
                    underline=disputed,
                )
            self._cache[key] = style
        return style


def solid(background: Color, dark: bool) -> Color:
    """A widget's background as an opaque colour (ANSI themes leave it transparent)."""
    if background.a == 0 or background.ansi is not None:
        return Color(0, 0, 0) if dark else Color(255, 255, 255)
    return background.with_alpha(1.0)


def widget_palette(widget: Widget) -> Palette:
    """The palette for a widget's own background and text colour under the theme in force."""
    dark = widget.app.current_theme.dark
    _, background = widget.background_colors
    fg = widget.styles.color
    foreground = solid(fg, not dark) if fg.ansi is not None or fg.a == 0 else fg.with_alpha(1.0)
    return Palette(solid(background, dark), foreground)
