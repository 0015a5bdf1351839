"""The Entities | Claims lists (Line API): one row per candidate, rendered only when visible and
re-rendered only when that row changes — a decision repaints two rows, not the whole list.

(A DataTable re-renders every visible row after any ``update_cell``: 30+ ms a keypress, measured.)
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..text import STATUS_MARK, label_color, one_line

STATUS_STYLE = {
    "pending": "",
    "accepted": "green",
    "edited": "cyan",
    "added": "magenta",
    "rejected": "red dim",
    "removed": "dim",
}
CURSOR = Style(reverse=True, bold=True)


def row_text(cand: dict[str, Any], width: int) -> Text:
    """status mark, label (or quote type and check-worthiness), text, and the speaker for claims."""
    status = cand.get("status", "pending")
    row = Text(no_wrap=True, overflow="ellipsis", end="")
    row.append(STATUS_MARK.get(status, "?") + " ", style=STATUS_STYLE.get(status, ""))
    if cand["kind"] == "entity":
        row.append(f"{one_line(cand['label'], 12):<12} ", style=label_color(cand["label"]))
    else:
        row.append(f"{cand['quote_type']:<8} {cand.get('checkworthiness', 0):.2f} ")
    speaker_width = 22 if cand["kind"] == "claim" and width >= 60 else 0
    text_width = max(8, width - cell_len(row.plain) - speaker_width - 1)
    body = one_line(cand["text"], text_width)
    row.append(body, style="strike dim" if status == "rejected" else "")
    if speaker_width:
        row.append(" " * max(1, text_width - cell_len(body) + 1))
        sp = cand.get("speaker")
        row.append(
            one_line((sp.get("name") or sp["text"]) if sp else "—", speaker_width), style="bold" if sp else "dim"
        )
    return row


class CandidateList(ScrollView, can_focus=False):
    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.ids: list[str] = []
        self.rows: dict[str, dict[str, Any]] = {}
        self.cursor = 0
        self._cache: dict[int, Strip] = {}

    def fill(self, cands: list[dict[str, Any]]) -> None:
        self.ids = [c["id"] for c in cands]
        self.rows = {c["id"]: c for c in cands}
        self.cursor = min(self.cursor, max(0, len(self.ids) - 1))
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.ids))
        self.refresh()

    def update(self, cand: dict[str, Any]) -> None:
        if cand["id"] in self.rows:
            self.rows[cand["id"]] = cand
            self._refresh_row(self.ids.index(cand["id"]))

    def row(self, cid: str) -> Text:
        return row_text(self.rows[cid], max(40, self.size.width))

    def index_of(self, cid: str) -> int:
        return self.ids.index(cid)

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
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None:
            text = row_text(self.rows[self.ids[index]], width)
            if index == self.cursor:
                text.stylize(CURSOR)
            text.truncate(width, pad=True)
            strip = Strip(list(text.render(self.app.console))).adjust_cell_length(width, self.rich_style)
            self._cache[index] = strip
        return strip
