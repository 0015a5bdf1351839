"""The queue: every article with its progress; type to search titles, enter opens."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from ..bindings import QUEUE, Keys
from ..text import one_line

if TYPE_CHECKING:
    from ...store import ReviewStore


class QueueScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = list(QUEUE)

    def __init__(self, store: ReviewStore, current: str | None, keys: Keys) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.keys = keys

    def compose(self) -> ComposeResult:
        k = self.keys
        with Vertical(classes="dialog", id="queue"):
            yield Static(
                Text(
                    f"Articles — type to search titles, {k.show('queue.up')}/{k.show('queue.down')} move, "
                    f"{k.show('queue.open')} opens, {k.show('queue.close')} closes",
                    style="bold",
                )
            )
            yield Input(placeholder="search titles", id="queue-search")
            yield DataTable(id="queue-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="n", width=5)
        table.add_column("done", key="done", width=11)
        table.add_column("title", key="title")
        self.fill("")
        self.query_one(Input).focus()

    def fill(self, query: str) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for n, aid in enumerate(self.store.article_ids(), 1):
            info = self.store.article_info(aid)
            title = str(info.get("title") or aid)
            if query and query.lower() not in title.lower():
                continue
            decided, total = self.store.progress(aid)
            style = "green" if decided == total else ("yellow" if decided else "")
            table.add_row(str(n), Text(f"{decided}/{total}", style=style), Text(one_line(title, 100)), key=aid)
            if aid == self.current:
                table.move_cursor(row=table.row_count - 1)

    @on(Input.Changed, "#queue-search")
    def _search(self, event: Input.Changed) -> None:
        self.fill(event.value.strip())

    @on(Input.Submitted, "#queue-search")
    def _submit(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + delta))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
            self.dismiss(key)

    def action_close(self) -> None:
        self.dismiss(None)
