"""A faster paint path for the line-painted views: Textual's per-line styling, skipped where it has
nothing to do.

Textual's ``StylesCache.render_line`` reads a widget's border, outline, gutter, tint, opacity and
hatch for every line it paints — about 50 µs a line here, so a scroll of the 43-line article cost
2.3 ms before a single character of it was painted. The article and the candidate lists have no
border, outline, tint, opacity or vertical padding: their lines are the content line padded left and
right, exactly what :class:`PlainStylesCache` builds, once per frame deciding whether that holds.
Anything else (a border added by a theme or a user's stylesheet, say) goes the general way. Written
against Textual 8.2.8's ``StylesCache`` (the version is pinned); a test paints the views both ways
and compares every line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.content import Content
from textual.css.styles import StylesBase
from textual.filter import LineFilter
from textual.geometry import Region, Size, Spacing
from textual.strip import Strip
from textual.style import Style


def _plain(styles: StylesBase, padding: Spacing, opacity: float) -> bool:
    """Whether a widget's lines are only its content lines padded left and right."""
    if opacity != 1.0 or padding.top or padding.bottom:
        return False
    if any(edge for edge, _ in styles.border) or any(edge for edge, _ in styles.outline):
        return False
    if styles.text_opacity != 1.0 or styles.tint.a:
        return False
    return not (styles.has_rule("hatch") and styles.hatch != "none")


class PlainStylesCache(StylesCache):
    """:class:`StylesCache` with a short path for plain widgets (see the module's docstring); the
    same lines, cached and invalidated the same way."""

    def __init__(self) -> None:
        super().__init__()
        # id(content line) -> (that line, the padding (style, left, right), the padded line); the line
        # is held, so its id is not reused while the entry lives
        self._padded: dict[int, tuple[Strip, object, Strip]] = {}

    def render(
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        filters: Sequence[LineFilter],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        content_size: Size | None = None,
        padding: Spacing | None = None,
        crop: Region | None = None,
        opacity: float = 1.0,
        ansi_theme: TerminalTheme = DEFAULT_TERMINAL_THEME,
        native_ansi: bool = False,
    ) -> list[Strip]:
        pad = styles.padding if padding is None else padding
        if border_title is not None or border_subtitle is not None or not _plain(styles, pad, opacity):
            return super().render(
                styles,
                size,
                base_background,
                background,
                render_content_line,
                filters,
                border_title,
                border_subtitle,
                content_size=content_size,
                padding=padding,
                crop=crop,
                opacity=opacity,
                ansi_theme=ansi_theme,
                native_ansi=native_ansi,
            )
        content_width = (size if content_size is None else content_size).width
        crop = size.region if crop is None else crop
        width = size.width
        if width != self._width:
            self.clear()
            self._width = width
        inner = self.get_inner_outer(base_background, background)[0].rich_style
        left = Strip.blank(pad.left, inner) if pad.left else None
        right = Strip.blank(pad.right, inner) if pad.right else None
        cache, is_dirty, padded = self._cache, self._dirty_lines.__contains__, self._padded
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = cache.get(y)
            if strip is None or is_dirty(y):
                line = render_content_line(y).adjust_cell_length(content_width, inner)
                if left is not None or right is not None:
                    # the same content line padded the same way is the same Strip: its filter cache holds
                    kept = padded.get(id(line))
                    if kept is None or kept[0] is not line or kept[1] != (inner, pad.left, pad.right):
                        joined = Strip.join([part for part in (left, line, right) if part is not None])
                        kept = (line, (inner, pad.left, pad.right), joined)
                        if len(padded) > 512:
                            padded.clear()
                        padded[id(line)] = kept
                    line = kept[2]
                strip = cache[y] = line
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        self._dirty_lines.difference_update(crop.line_range)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
