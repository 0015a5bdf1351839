"""What the two line-painted views (the article and the candidate lists) share: their own colours,
kept until the theme or their styles change.

``DOMNode.rich_style`` walks every ancestor on each call; a view that paints thirty lines a frame
asked for it thirty times per key.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..text import Palette, widget_palette
from .plain import PlainStylesCache


class Frame(NamedTuple):
    """What every line of one paint reads: the view's geometry, looked up once (``Widget.size`` asks
    the screen's compositor each time: about 10 µs, three times a line)."""

    width: int  # the content area's
    height: int
    text_width: int  # the cells left of the position mark
    total: int  # the content's height
    scroll_x: int
    scroll_y: int  # as ``scroll_offset`` gives it (rounded)
    top: int  # ``int(scroll_y)``, as the candidate lists count their rows
    mark: range  # the rows the position mark's bar covers (empty when the content fits)


class LineView(ScrollView, can_focus=False):
    """A scroll view painted line by line. The article and the candidate lists have no scrollbar widget
    (``scrollbar-size-vertical: 0`` in the stylesheet): their last column carries a position mark
    (:meth:`position_mark`), painted with the lines a scroll repaints anyway — a scrollbar widget
    beside a 40-line view was repainted on every scroll besides them (about 2 ms). The mouse wheel
    scrolls them as before. (The detail panel keeps Textual's scrollbar: it seldom scrolls.) Their
    lines skip Textual's per-line styling, which has nothing to do for them (:mod:`.plain`)."""

    MARK: ClassVar[str] = ""  # the component class of the position mark
    _base: Style | None = None
    _palette: Palette | None = None
    _components: dict[str, Style] | None = None  # component styles under the theme in force
    _mark_cells: tuple[Strip, Strip] | None = None  # the mark's blank and bar cells

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles_cache = PlainStylesCache()  # lines painted without Textual's per-line styling
        self._joined: dict[int, tuple[Strip, bool, Strip]] = {}  # index -> (line, mark on, line + mark)
        self._frame: Frame | None = None  # set while a paint runs

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._measure()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def frame(self) -> Frame:
        """The geometry of the paint under way (measured afresh outside one)."""
        return self._frame or self._measure()

    def _measure(self) -> Frame:
        size = self.size
        scroll_x, scroll_y = self.scroll_offset
        text_width = max(1, (self.scrollable_content_region.width or size.width) - 1)
        height, total = size.height, self.virtual_size.height
        mark = range(0)
        if height < total and height > 0:
            bar = max(1, round(height * height / total))
            top = round(scroll_y * (height - bar) / max(1, total - height))
            mark = range(top, top + bar)
        return Frame(size.width, height, text_width, total, scroll_x, scroll_y, int(self.scroll_y), mark)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._on_theme, init=False)

    @property
    def base_style(self) -> Style:
        """The view's own style (background and foreground under the theme in force)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def position_mark(self, y: int) -> Strip:
        """Row ``y``'s cell of the position mark: a bar beside the part of the content in view (blank
        when it all fits). The two cells are made once per style: a scroll asks for them per line."""
        return self._mark_cell(self._mark_on(y))

    def _mark_on(self, y: int) -> bool:
        return y in self.frame().mark

    def _mark_cell(self, on: bool) -> Strip:
        if self._mark_cells is None:
            base = self.base_style
            self._mark_cells = (
                Strip.blank(1, base),
                Strip([Segment("┃", base + self.component(self.MARK))], 1),
            )
        return self._mark_cells[on]

    def with_mark(self, y: int, index: int, line: Strip) -> Strip:
        """``line`` (content line ``index``, shown on row ``y``) with its position-mark cell. The
        joined line is kept while the line and its cell stay the same, so a scroll hands Textual the
        same Strip objects as before and its per-Strip caches (the colour filter's, say) hold."""
        on = self._mark_on(y)
        kept = self._joined.get(index)
        if kept is not None and kept[0] is line and kept[1] == on:
            return kept[2]
        joined = Strip.join([line, self._mark_cell(on)])
        if len(self._joined) > 4096:  # lines of a long article scrolled through: keep it bounded
            self._joined.clear()
        self._joined[index] = (line, on, joined)
        return joined

    def component(self, name: str) -> Style:
        """A component class's style (partial: to lay over the view's own), read once per theme."""
        if self._components is None:
            self._components = {}
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = self.get_component_rich_style(name, partial=True)
        return style

    def palette(self) -> Palette:
        if self._palette is None:
            self._palette = widget_palette(self)
        return self._palette

    def notify_style_update(self) -> None:
        self._forget_styles()
        super().notify_style_update()

    def _on_theme(self) -> None:
        self._forget_styles()
        self._palette = None
        self.restyle()

    def _forget_styles(self) -> None:
        self._base = None
        self._components = None
        self._mark_cells = None
        self._joined.clear()

    def restyle(self) -> None:
        """Drop what was painted under the old colours and paint again."""
        self.refresh()
