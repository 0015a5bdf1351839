"""What the two line-painted views (the article and the candidate lists) share: their own colours,
kept until the theme or their styles change.

``DOMNode.rich_style`` walks every ancestor on each call; a view that paints thirty lines a frame
asked for it thirty times per key.
"""

from __future__ import annotations

from rich.style import Style
from textual.scroll_view import ScrollView

from ..text import Palette, widget_palette


class LineView(ScrollView, can_focus=False):
    _base: Style | None = None
    _palette: Palette | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._on_theme, init=False)

    @property
    def base_style(self) -> Style:
        """The view's own style (background and foreground under the theme in force)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def palette(self) -> Palette:
        if self._palette is None:
            self._palette = widget_palette(self)
        return self._palette

    def notify_style_update(self) -> None:
        self._base = None
        super().notify_style_update()

    def _on_theme(self) -> None:
        self._base = None
        self._palette = None
        self.restyle()

    def restyle(self) -> None:
        """Drop what was painted under the old colours and paint again."""
        self.refresh()
