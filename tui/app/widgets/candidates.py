"""The Entities | Claims lists: one DataTable each, rows keyed by candidate id, updated cell by cell."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from ..text import STATUS_MARK, label_color, one_line

STATUS_STYLE = {"pending": "", "accepted": "green", "edited": "cyan", "added": "magenta", "rejected": "red dim",
                "removed": "dim"}


def status_cell(status: str) -> Text:
    return Text(STATUS_MARK.get(status, "?"), style=STATUS_STYLE.get(status, ""))


def kind_cell(cand: dict[str, Any]) -> Text:
    if cand["kind"] == "entity":
        return Text(cand["label"], style=label_color(cand["label"]))
    return Text(f"{cand['quote_type']:<8} {cand.get('checkworthiness', 0):.2f}")


def text_cell(cand: dict[str, Any], width: int = 60) -> Text:
    style = "strike dim" if cand.get("status") == "rejected" else ""
    return Text(one_line(cand["text"], width), style=style)


def speaker_cell(cand: dict[str, Any]) -> Text:
    sp = cand.get("speaker")
    if not sp:
        return Text("—", style="dim")
    name = sp.get("name") or sp["text"]
    return Text(one_line(name, 28))


class CandidateTable(DataTable, can_focus=False):
    """Rows in display order; ``ids`` mirrors the rows so index <-> id is O(1)."""

    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=True)
        self.kind = kind
        self.ids: list[str] = []

    def on_mount(self) -> None:
        self.add_column("", key="status", width=1)
        self.add_column("label" if self.kind == "entity" else "type     cw", key="kind", width=14)
        self.add_column("text", key="text")
        if self.kind == "claim":
            self.add_column("speaker", key="speaker", width=22)

    def fill(self, cands: list[dict[str, Any]]) -> None:
        self.clear()
        self.ids = [c["id"] for c in cands]
        for cand in cands:
            self.add_row(*self._cells(cand), key=cand["id"])

    def _cells(self, cand: dict[str, Any]) -> list[Text]:
        cells = [status_cell(cand.get("status", "pending")), kind_cell(cand), text_cell(cand)]
        if self.kind == "claim":
            cells.append(speaker_cell(cand))
        return cells

    def update(self, cand: dict[str, Any]) -> None:
        if cand["id"] not in self.ids:
            return
        for key, value in zip(("status", "kind", "text", "speaker"), self._cells(cand)):
            self.update_cell(cand["id"], key, value)

    def index_of(self, cid: str) -> int:
        return self.ids.index(cid)

    def show(self, index: int) -> None:
        if 0 <= index < len(self.ids):
            self.move_cursor(row=index, animate=False)
