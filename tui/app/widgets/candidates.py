"""The Entities | Claims lists (Line API): one row per candidate, rendered only when visible and
re-rendered only when that row changes — a decision repaints two rows, not the whole list. A click
on a row makes it current.

(A DataTable re-renders every visible row after any ``update_cell``: 30+ ms a keypress, measured.)
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..desk import others_mark
from ..text import STATUS_MARK, Palette, one_line, to_strip, widget_palette

Cand = dict[str, Any]

STATUS_STYLE = {
    "pending": "",
    "accepted": "green",
    "edited": "cyan",
    "added": "magenta",
    "rejected": "red dim",
    "removed": "dim",
}


def row_text(cand: Cand, width: int, palette: Palette | None = None) -> Text:
    """status mark, label (or quote type and check-worthiness), text, and the speaker for claims."""
    status = cand.get("status", "pending")
    row = Text(no_wrap=True, overflow="ellipsis", end="")
    row.append(STATUS_MARK.get(status, "?") + " ", style=STATUS_STYLE.get(status, ""))
    if cand["kind"] == "entity":
        label = str(cand.get("label", ""))
        row.append(f"{one_line(label, 12):<12} ", style=palette.label(label) if palette else "")
    else:
        row.append(f"{one_line(cand.get('quote_type', ''), 8):<8} {cand.get('checkworthiness') or 0:.2f} ")
    speaker_width = 22 if cand["kind"] == "claim" and width >= 60 else 0
    text_width = max(8, width - cell_len(row.plain) - speaker_width - 1)
    body = one_line(cand["text"], text_width)
    row.append(body, style="strike dim" if status == "rejected" else "")
    if speaker_width:
        row.append(" " * max(1, text_width - cell_len(body) + 1))
        sp = cand.get("speaker")
        row.append(
            one_line((sp.get("name") or sp.get("text") or "") if sp else "—", speaker_width),
            style="bold" if sp else "dim",
        )
    return row


class CandidateList(ScrollView, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"candidates--cursor"}

    class Picked(Message):
        """A row was clicked."""

        def __init__(self, kind: str, cid: str) -> None:
            self.kind, self.cid = kind, cid
            super().__init__()

    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.me: str | None = None  # this reviewer: rows mark other reviewers' decisions (desk.others_mark)
        self.ids: list[str] = []
        self.rows: dict[str, Cand] = {}
        self.cursor = 0
        self._cache: dict[int, Strip] = {}
        self._palette: Palette | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._palette = None
        self._cache.clear()
        self.refresh()

    def palette(self) -> Palette:
        if self._palette is None:
            self._palette = widget_palette(self)
        return self._palette

    def fill(self, cands: list[Cand], cursor: int | None = None) -> None:
        self.ids = [c["id"] for c in cands]
        self.rows = {c["id"]: c for c in cands}
        self.cursor = max(0, min(self.cursor if cursor is None else cursor, len(self.ids) - 1))
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.ids))
        self.refresh()

    def update(self, cand: Cand) -> None:
        if cand["id"] in self.rows:
            self.rows[cand["id"]] = cand
            self._refresh_row(self.ids.index(cand["id"]))

    def row(self, cid: str) -> Text:
        width = max(40, self.size.width)
        mark = others_mark(self.rows[cid], self.me) if self.me is not None else None
        if mark is None:
            return row_text(self.rows[cid], width, self.palette())
        row = row_text(self.rows[cid], width - 4, self.palette())  # others' decisions, at the right edge
        row.pad_right(max(0, width - 4 - row.cell_len))
        row.append_text(Text(" ").append_text(mark))
        return row

    def show(self, index: int) -> None:
        if not 0 <= index < len(self.ids):
            return
        old, self.cursor = self.cursor, index
        self._refresh_row(old)
        self._refresh_row(index)
        height = self.scrollable_content_region.height or self.size.height or 1
        top = int(self.scroll_y)
        if index < top or index >= top + height:
            self.scroll_to(y=max(0, index - height // 3), animate=False)

    def _refresh_row(self, index: int) -> None:
        self._cache.pop(index, None)
        top = int(self.scroll_y)
        if top <= index < top + self.size.height:
            self.refresh_line(index - top)

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.ids))

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.size.width
        base = self.rich_style
        if index >= len(self.ids):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            text = row_text(self.rows[self.ids[index]], width, self.palette())
            if index == self.cursor:
                text.stylize(self.get_component_rich_style("candidates--cursor", partial=True) + Style(dim=False))
            text.truncate(width, pad=True)
            strip = to_strip(text, self.app.console, base).adjust_cell_length(width, base)
            self._cache[index] = strip
        return strip

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + int(self.scroll_y)
        if 0 <= index < len(self.ids):
            event.stop()
            self.post_message(self.Picked(self.kind, self.ids[index]))
