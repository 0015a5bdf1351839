"""What the two line-painted views (the article and the candidate lists) share: their own colours,
kept until the theme or their styles change.

``DOMNode.rich_style`` walks every ancestor on each call; a view that paints thirty lines a frame
asked for it thirty times per key.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..text import Palette, widget_palette


class LineView(ScrollView, can_focus=False):
    """A scroll view painted line by line. The article and the candidate lists have no scrollbar widget
    (``scrollbar-size-vertical: 0`` in the stylesheet): their last column carries a position mark
    (:meth:`position_mark`), painted with the lines a scroll repaints anyway — a scrollbar widget
    beside a 40-line view was repainted on every scroll besides them (about 2 ms). The mouse wheel
    scrolls them as before. (The detail panel keeps Textual's scrollbar: it seldom scrolls.)"""

    MARK: ClassVar[str] = ""  # the component class of the position mark
    _base: Style | None = None
    _palette: Palette | None = None
    _components: dict[str, Style] | None = None  # component styles under the theme in force

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
        when it all fits)."""
        height, total = self.size.height, self.virtual_size.height
        if total <= height or height <= 0:
            return Strip.blank(1, self.base_style)
        size = max(1, round(height * height / total))
        top = round(self.scroll_offset.y * (height - size) / max(1, total - height))
        if top <= y < top + size:
            return Strip([Segment("┃", self.base_style + self.component(self.MARK))], 1)
        return Strip.blank(1, self.base_style)

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
        self._base = None
        self._components = None
        super().notify_style_update()

    def _on_theme(self) -> None:
        self._base = None
        self._palette = None
        self._components = None
        self.restyle()

    def restyle(self) -> None:
        """Drop what was painted under the old colours and paint again."""
        self.refresh()
