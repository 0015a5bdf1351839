"""The queue: every article with who it is for, who is on it now and how far it is; type to search
titles, enter opens.

Order: the articles assigned to this reviewer first, then those nobody holds (unassigned, or whose
assignees let the lease run out: anyone may take them over), then those assigned to others — each
group in the store's order. Columns: the article's number in the store, whose it is (``mine``,
``open``, ``takeable``, ``theirs``), this reviewer's progress, the desk's (decided/total in the final
view, and how many items are disputed), its assignees and who has it open now. The queue follows the
store live while it is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from ...store import StoreError
from ...store.store import Changes
from ..bindings import QUEUE, Keys
from ..desk import present_on
from ..leaks import let_go_of_tables
from ..spans import accent_sensitive, fold
from ..text import one_line
from ..widgets.footer import DialogFooter
from .once import ClosesOnce

if TYPE_CHECKING:
    from ...store import ReviewStore
    from ..live import Presence

#: the order of the groups, and how each is shown
CLAIMS = {"mine": (0, "mine", "bold green"), "open": (1, "open", ""), "takeable": (1, "takeable", "yellow")}
THEIRS = (2, "theirs", "dim")
QUEUE_MAX_WIDTH = 160  # the dialog's widest (the stylesheet's #queue max-width)
#: the columns right of the title: (header, key, narrowest, widest). A column grows to its widest
#: content (QA: "23/134 ⚠16" showed as "23/134 ⚠1" in a fixed 9 cells): numbers are never cut (no
#: widest); names stop at their widest and end in "…". The progress before the names: what does not
#: fit scrolls off to the right, and at 80 columns that was "mine" and "desk" (QA)
_DESK_COLUMNS: list[tuple[str, str, int, int | None]] = [("for", "claim", 8, None), ("mine", "done", 7, None)]
_DESK_COLUMNS += [("desk", "desk", 9, None), ("assigned", "assigned", 12, 24), ("on it now", "here", 10, 24)]
#: below NARROW the two columns of names are one: the assignees, then who else is on it, "●" before
#: whoever is on it now
_WHO: tuple[str, str, int, int | None] = ("who ●on it", "who", 10, 16)
_NARROW_COLUMNS = [*_DESK_COLUMNS[:3], _WHO]
NUMBER_MIN = 4  # the "#" column's narrowest (wider once the store has more articles)
#: rows the list holds at most — yours first, then open ones —; beyond, a line says how many more and
#: typing finds them (QA: on 10,000 articles the list took 2 s to open and up to 2 s a typed letter)
MAX_ROWS = 1000
SEARCH_DELAY = 0.15  # seconds of quiet typing before the list is searched again
TITLE_MIN = 24  # the title column's narrowest: below it the other columns scroll off to the right
#: below this terminal width the names share one column (QA: at 80 columns "assigned" was cut and
#: "on it now" off the right edge, out of reach), and the title may narrow to TITLE_MIN_NARROW
NARROW = 100
TITLE_MIN_NARROW = 12


def _names(text: str, style: str = "") -> Text:
    """A cell of names: cut with "…" where its column ends, never silently."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def claim_of(store: ReviewStore, aid: str, here: dict[str, list[str]] | None = None) -> str:
    """Whose the article is for this reviewer (``here``: article -> who has it open now)."""
    present = None if here is None else frozenset(here.get(aid, ()))
    return store.assignments.claim(aid, store.reviewer, present)


def queue_rows(store: ReviewStore, here: dict[str, list[str]] | None = None) -> list[tuple[int, str, str]]:
    """(number in the store, article id, claim) in queue order: mine, then open or takeable, then others'."""
    rows = []
    for n, aid in enumerate(store.article_ids(), 1):
        claim = claim_of(store, aid, here)
        rows.append((CLAIMS.get(claim, THEIRS)[0], n, aid, claim))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(n, aid, claim) for _, n, aid, claim in rows]


class QueueScreen(ClosesOnce, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = list(QUEUE)

    def __init__(
        self, store: ReviewStore, current: str | None, keys: Keys, *, presence: Presence | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.keys = keys
        self.presence: Presence = presence or {}
        self.query_text = ""
        # each column's width now: at least its narrowest, grown (never shrunk) to what it shows
        self.widths: dict[str, int] = {"n": max(NUMBER_MIN, len(str(len(store.article_ids()))))} | {
            key: low for _, key, low, _ in [*_DESK_COLUMNS, _WHO]
        }  # ("#" as wide as the store's count at once: it was laid out twice on opening)
        self._search_timer: Timer | None = None
        self.limit = MAX_ROWS  # rows listed now: grows by MAX_ROWS as the cursor moves past the last
        self.more = 0  # rows past the limit

    def compose(self) -> ComposeResult:
        k = self.keys
        with Vertical(classes="dialog", id="queue"):
            yield Static(
                Text(
                    f"Articles — yours first, then open ones, then others'. Type to search titles, "
                    f"{k.show('queue.up')}/{k.show('queue.down')} move, "
                    f"{k.show('queue.open')} opens, {k.show('queue.close')} closes",
                    style="bold",
                )
            )
            yield Input(placeholder="search titles", id="queue-search")
            yield DataTable(id="queue-table", cursor_type="row")
            yield Static("", id="queue-more")
        yield DialogFooter()

    def on_mount(self) -> None:
        self._add_columns(self._title_width())
        self.fill("")
        self.query_one(Input).focus()

    def on_unmount(self) -> None:
        let_go_of_tables()  # Textual's style cache held the closed table, every article's row with it

    def on_resize(self) -> None:
        # QA: the title kept the width of the terminal the queue opened in (cut short, or the desk
        # columns pushed off the right, after a resize)
        table = self.query_one(DataTable)
        width = self._title_width()
        title = table.columns.get(ColumnKey("title"))
        shown = [key for key in table.columns if key.value not in ("n", "title")]
        if title is not None and (title.width != width or shown != [ColumnKey(k) for k in self._keys()]):
            self._relayout(self._cursor_key())

    def _columns(self) -> list[tuple[str, str, int, int | None]]:
        """The columns right of the title at this terminal's width."""
        return _NARROW_COLUMNS if self.app.size.width < NARROW else _DESK_COLUMNS

    def _keys(self) -> list[str]:
        return [key for _, key, _, _ in self._columns()]

    def _title_width(self) -> int:
        """The title second, as wide as the dialog leaves (at 80 columns it was pushed off the right)."""
        pad = 2 * self.query_one(DataTable).cell_padding
        inner = min(self.app.size.width * 96 // 100, QUEUE_MAX_WIDTH) - 8  # border, padding, scrollbar
        others = sum(self.widths[key] + pad for key in ("n", *self._keys()))
        narrowest = TITLE_MIN_NARROW if self.app.size.width < NARROW else TITLE_MIN
        return max(narrowest, inner - others - pad)

    def _add_columns(self, title: int) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="n", width=self.widths["n"])
        table.add_column("title", key="title", width=title)
        for label, key, _, _ in self._columns():
            table.add_column(label, key=key, width=self.widths[key])

    def _grow(self, rows: list[dict[str, Text]]) -> bool:
        """Widen the columns whose cells in ``rows`` (by column key) do not fit: numbers to their
        whole width, names up to their widest (they end in "…" beyond). True if any grew."""
        widest: dict[str, int | None] = {key: high for _, key, _, high in [*_DESK_COLUMNS, _WHO]}
        grown = False
        for cells in rows:
            for key, cell in cells.items():
                high = widest.get(key)
                need = cell.cell_len if high is None else min(cell.cell_len, high)
                if need > self.widths.get(key, need):
                    self.widths[key] = need
                    grown = True
        return grown

    def _relayout(self, keep: str | None) -> None:
        """The columns made again at their widths now (the title takes what is left), rows refilled."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._add_columns(self._title_width())
        self.fill(self.query_text, keep=keep)

    def fill(self, query: str, *, keep: str | None = None) -> None:
        self.query_text = query
        table = self.query_one(DataTable)
        keep = keep or (self._cursor_key() if table.row_count else self.current)
        here = present_on(self.presence)
        accents = accent_sensitive(query)  # as find compares: any case; accents as the query asks
        wanted = fold(query, accents=accents)
        rows: list[tuple[str, Text, dict[str, Text]]] = []
        more = 0
        for n, aid, claim in queue_rows(self.store, here):
            info = self.store.article_info(aid)
            title = str(info.get("title") or aid)
            if wanted and wanted not in fold(title, accents=accents):
                continue
            if len(rows) >= self.limit and aid != keep:
                more += 1
                continue
            _, word, claim_style = CLAIMS.get(claim, THEIRS)
            cells = {"n": Text(str(n)), "claim": Text(word, style=claim_style)}
            cells |= self._live_cells(aid, here)
            rows.append((aid, Text(one_line(title, 100), no_wrap=True, overflow="ellipsis"), cells))
        if self._grow([cells for _, _, cells in rows]) and table.columns:
            self._relayout(keep)  # (which fills the rows, in columns that fit them)
            return
        table.clear()
        for aid, title_cell, cells in rows:
            table.add_row(cells["n"], title_cell, *(cells[key] for key in self._keys()), key=aid)
            if aid == keep:
                table.move_cursor(row=table.row_count - 1)
        self.more = more
        note = self.query_one("#queue-more", Static)
        k = self.keys
        note.update(
            Text(
                f"… and {more:,} more: {k.show('queue.down', first=True)} past the last row (or "
                f"{k.show('queue.page_down', first=True)}) lists {min(more, MAX_ROWS):,} more; typing searches them all",
                style="dim",
            )
            if more
            else ""
        )
        note.display = bool(more)

    def _live_cells(self, aid: str, here: dict[str, list[str]]) -> dict[str, Text]:
        """The cells others change while the queue is open (by column key): assignees, who is on it
        now, this reviewer's progress, the desk's, and the names in one cell for a narrow terminal."""
        me = self.store.reviewer
        try:
            decided, total = self.store.progress(aid)
            fd, disputed, ft = self.store.final_progress(aid)
        except StoreError:
            decided = total = fd = disputed = ft = 0
        style = "green" if total and decided == total else ("yellow" if decided else "")
        holders = self.store.assignments.assignees(aid)
        assigned = _names(", ".join("me" if h == me else one_line(h, 12) for h in holders) or "—")
        if not holders:
            assigned.stylize("dim")
        on_it = [("me" if w == me else one_line(w, 12)) for w in here.get(aid, [])]
        desk = Text(f"{fd}/{ft}", style="green" if ft and fd == ft else "", no_wrap=True)
        if disputed:
            desk.append(f" ⚠{disputed}", style="bold red")
        who = _names("")
        now = set(here.get(aid, []))
        for i, name in enumerate([*holders, *(w for w in here.get(aid, []) if w not in holders)]):
            shown = "me" if name == me else one_line(name, 12)
            who.append(", " if i else "")
            who.append(("●" + shown) if name in now else shown, style="bold cyan" if name in now else "")
        if not who.plain:
            who.append("—", style="dim")
        return {
            "assigned": assigned,
            "here": _names(", ".join(on_it), style="bold cyan"),
            "done": Text(f"{decided}/{total}", style=style, no_wrap=True),
            "desk": desk,
            "who": who,
        }

    def _cursor_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        value = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return str(value) if value is not None else None

    @on(Input.Changed, "#queue-search")
    def _search(self, event: Input.Changed) -> None:
        """Searched once typing pauses (each letter searched the whole store, which a fast typist
        outran on a big one)."""
        if self._search_timer is not None:
            self._search_timer.stop()
        query = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._searched(query))

    def _searched(self, query: str) -> None:
        self._search_timer = None
        if query != self.query_text:
            self.limit = MAX_ROWS
            self.fill(query)

    @on(Input.Submitted, "#queue-search")
    def action_submit(self) -> None:
        if self._search_timer is not None:  # enter right after typing: the search first
            self._search_timer.stop()
            self._searched(self.query_one(Input).value.strip())
        self.action_open()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        to = max(0, table.cursor_row + delta)
        if to >= table.row_count and self.more:  # past the last row listed: the next ones (QA: out of reach)
            self.limit += MAX_ROWS
            self.fill(self.query_text, keep=self._cursor_key())
        table.move_cursor(row=min(to, max(0, table.row_count - 1)))

    def action_page(self, direction: int) -> None:
        table = self.query_one(DataTable)
        self.action_move(direction * max(1, table.scrollable_content_region.height - 1))

    def action_open(self) -> None:
        key = self._cursor_key()
        if key is not None:
            self.dismiss(key)

    def action_close(self) -> None:
        self.dismiss(None)

    # -- live ----------------------------------------------------------------------------------------

    def live_changed(self, changes: Changes, presence: Presence) -> None:
        """Articles added or assignments changed: the queue is made again (the order may change).
        Otherwise only the rows others decided on or moved to or from are updated, cell by cell."""
        before, self.presence = present_on(self.presence), presence
        if not (self.query(DataTable) and self.query_one(DataTable).columns):
            return  # not before on_mount made them
        if changes.articles or changes.index:
            self.fill(self.query_text)
            return
        here = present_on(presence)
        moved = {aid for aid in set(before) | set(here) if before.get(aid) != here.get(aid)}
        if any(claim_of(self.store, aid, here) != claim_of(self.store, aid, before) for aid in moved):
            self.fill(self.query_text)  # an expired assignee came or left: takeable or not, and the order
            return
        table = self.query_one(DataTable)
        updates = {
            aid: self._live_cells(aid, here)
            for aid in sorted(set(changes.decided) | moved)
            if aid in table.rows  # (not: filtered out by the search, or not an article of the store any more)
        }
        if self._grow(list(updates.values())):  # a count grew a digit, a dispute came: wider columns
            self._relayout(self._cursor_key())
            return
        shown = set(self._keys())
        for aid, cells in updates.items():
            for column, cell in cells.items():
                if column in shown:
                    table.update_cell(aid, column, cell)

    def live_alert(self, text: str) -> None:
        pass  # the review screen's status line, under this dialog, shows it
