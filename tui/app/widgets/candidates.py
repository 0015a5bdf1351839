"""The Entities | Claims lists (Line API): one row per candidate — or per entity group, its mentions
listed under it once it is opened — rendered only when visible and re-rendered only when that row
changes: a decision repaints the rows it touched, not the whole list. The current row wraps to show
its whole text (a claim's content, a mention in its sentence); every other row is one line. A click
on a row makes it current.

Rows are what :class:`~tui.app.state.ReviewState` gives: candidates, and group rows (``"row":
"group"``: name, label, mention count, statuses counted). Marks: the status (· pending, ✓ accepted,
✎ edited, + added, ✗ rejected), ▸/▾ a closed/open group, and after it what the desk's memory
suggests for a pending candidate (→✓ accept, →✗ reject, →✎ relabel or trim, →+ a proposal to add);
on a group row, the mark its pending mentions' suggestions share, or →n when they differ (n of them;
→… for ten or more).

(A DataTable re-renders every visible row after any ``update_cell``: 30+ ms a keypress, measured.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from extractors.wrapping import as_line, unbroken

from ..desk import others_mark
from ..text import STATUS_MARK, Palette, one_line, to_strip
from .lines import LineView

Cand = dict[str, Any]

STATUS_STYLE = {
    "pending": "",
    "accepted": "green",
    "edited": "cyan",
    "added": "magenta",
    "rejected": "red dim",
    "removed": "dim",
}
#: the mark of a suggestion, by its action (a trim is an edit of the boundaries)
SUGGESTION_MARK = {"accept": "→✓", "reject": "→✗", "edit": "→✎", "add": "→+"}
SUGGESTION_STYLE = {"accept": "green italic", "reject": "red italic", "edit": "cyan italic", "add": "magenta italic"}
#: the order statuses are counted in on a group row
SUMMARY = ("accepted", "edited", "added", "rejected", "pending")
#: the terminal is this wide (columns) before claims get a speaker column (the screen sets
#: :attr:`CandidateList.speaker_column`); the column takes a quarter of the room after the marks
SPEAKER_FROM = 100
SPEAKER_MIN, SPEAKER_MAX = 10, 24
#: the current row wraps to at most this many lines
MAX_LINES = 8
CONTEXT = 28  # characters of the article shown either side of a mention (by default)


def suggestion_mark(cand: Cand) -> tuple[str, str]:
    """(mark, style) of a pending candidate's suggestion; ("", "") if it has none."""
    hint = cand.get("suggestion")
    if not hint or cand.get("status", "pending") != "pending":
        return "", ""
    action = str(hint.get("action", ""))
    return SUGGESTION_MARK.get(action, "→?"), SUGGESTION_STYLE.get(action, "")


def group_summary(row: Cand) -> Text:
    """ "12✓ 1✗ 3·" — a group's mentions counted by status."""
    out = Text()
    counts = row.get("statuses") or {}
    for status in SUMMARY:
        n = counts.get(status, 0)
        if n:
            if out:
                out.append(" ")
            out.append(f"{n}{STATUS_MARK[status]}", style=STATUS_STYLE[status] or "bold")
    if row.get("proposed"):
        out.append(f"  {row['proposed']} proposed", style="magenta italic")
    return out


def as_read(cand: Cand, flow: str) -> Cand:
    """``cand`` with its text, speaker's and cue's as ``flow`` (the article with a hard wrap's line
    breaks as spaces: the same offsets) reads them — a claim a wrap cut shows no ⏎ in the middle."""
    out = dict(cand)

    def read(ref: Cand) -> Cand:
        start, end = ref.get("start"), ref.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(flow):
            return {**ref, "text": as_line(str(ref.get("text", "")), flow[start:end])}
        return ref

    if out.get("row") != "group":
        out = read(out)
        for key in ("speaker", "cue"):
            if isinstance(out.get(key), dict):
                out[key] = read(out[key])
        for key in ("numbers", "hedges"):  # "about⏎£30 million" in the detail panel
            if isinstance(out.get(key), list):
                out[key] = [read(ref) if isinstance(ref, dict) else ref for ref in out[key]]
        name = (out.get("speaker") or {}).get("name")
        if isinstance(name, str) and "\n" in name:  # an entity's words a wrap cut ("Michael⏎Flynn")
            out["speaker"] = {**out["speaker"], "name": unbroken(name)}
    return out


def context_of(cand: Cand, text: str, width: int = CONTEXT) -> Text:
    """The mention in its surroundings: "…said [Russia] had sent…" (the mention bold)."""
    start, end = cand["start"], cand["end"]
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    cut = left.rfind("\n")
    left = left[cut + 1 :] if cut >= 0 else left
    cut = right.find("\n")
    right = right[:cut] if cut >= 0 else right
    out = Text()
    out.append(("…" if start - len(left) > 0 else "") + one_line(left, width + 1), style="dim")
    out.append(one_line(cand["text"], 200), style="bold")
    out.append(one_line(right, width + 1) + ("…" if end + len(right) < len(text) else ""), style="dim")
    return out


def row_parts(
    row: Cand,
    width: int,
    palette: Palette | None = None,
    *,
    child: bool = False,
    text: str = "",
    marks: bool = False,
    current: bool = False,
) -> tuple[Text, Text, Text | None]:
    """A row as (prefix, body, speaker column or None): the prefix is the marks and the label (or
    quote type and check-worthiness), the body the text that may be cut or wrapped. A mention under
    its group shows its surroundings in the article: as much as the row holds, centred on it — or
    when ``current``, about three lines of them."""
    if text and any("\n" in str(ref.get("text", "")) for ref in (row, row.get("speaker") or {}, row.get("cue") or {})):
        row = as_read(row, text)  # the list reads ``text`` as the pane does (a hard wrap as a space)
    prefix = Text(no_wrap=True, end="")
    status = str(row.get("status", "pending"))
    is_group = row.get("row") == "group"
    if child:
        prefix.append("  ")
    if is_group:
        prefix.append("▾ " if row.get("expanded") else "▸ ", style="bold")
    else:
        prefix.append(STATUS_MARK.get(status, "?") + " ", style=STATUS_STYLE.get(status, ""))
    if marks:
        if is_group:
            hints = list(row.get("hints") or [])
            if len(hints) == 1:  # every suggestion among its pending mentions says the same
                prefix.append(f"{SUGGESTION_MARK.get(hints[0], '→?'):<3}", style=SUGGESTION_STYLE.get(hints[0], ""))
            else:  # mixed: how many mentions carry one (the detail panel lists them)
                n = int(row.get("suggested") or 0)  # ten or more: "→…" (the column is two cells and a space)
                prefix.append(("→… " if n > 9 else f"→{n} ") if n else "   ", style="italic")
        else:
            mark, style = suggestion_mark(row)
            prefix.append(f"{mark:<3}", style=style)
    if row["kind"] == "entity":
        label = str(row.get("label", ""))
        w = 10 if child else 12
        prefix.append(f"{one_line(label, w):<{w}} ", style=palette.label(label) if palette else "")
    else:
        score = row.get("desk_checkworthiness", row.get("checkworthiness"))  # the desk's, as the list is sorted
        prefix.append(f"{one_line(row.get('quote_type', ''), 8):<8} {score or 0:.2f} ")
    body = Text(end="")
    if is_group:
        body.append(one_line(row["text"], 200), style="bold" if status == "pending" else "")
        body.append(f" ×{row.get('count', 0)}  ", style="bold")
        body.append_text(group_summary(row))
    elif child and text:
        room = max(16, width - cell_len(prefix.plain) - 1)
        side = room if current else max(8, (room - cell_len(one_line(row["text"], 200))) // 2 - 1)
        body.append_text(context_of(row, text, side))
        if status == "rejected":
            body.stylize("strike dim")
    else:
        body.append(one_line(row["text"], 2000), style="strike dim" if status == "rejected" else "")
        if row.get("origin") == "memory" and status == "pending":
            body.append("  proposed", style="magenta italic")
    speaker: Text | None = None
    if row["kind"] == "claim":
        sp = row.get("speaker")
        name = one_line((sp.get("name") or sp.get("text") or "") if sp else "—", 60)
        speaker = Text(name, style="bold" if sp else "dim", end="")
    return prefix, body, speaker


def speaker_width(width: int, prefix: int) -> int:
    """The speaker column's width in a list ``width`` cells wide whose rows start with ``prefix``
    cells of marks and label."""
    return max(SPEAKER_MIN, min(SPEAKER_MAX, (width - prefix) // 4))


def row_text(
    row: Cand,
    width: int,
    palette: Palette | None = None,
    *,
    child: bool = False,
    text: str = "",
    marks: bool = False,
    speaker_column: bool = False,
) -> Text:
    """One line: the prefix, as much of the text as fits, and for claims the speaker in a column of
    its own when ``speaker_column``."""
    prefix, body, speaker = row_parts(row, width, palette, child=child, text=text, marks=marks)
    column = speaker_width(width, cell_len(prefix.plain)) if speaker is not None and speaker_column else 0
    line = prefix.copy()
    line.no_wrap = True
    line.overflow = "ellipsis"
    text_width = max(8, width - cell_len(prefix.plain) - (column + 1 if column else 0))
    body = body.copy()
    body.truncate(text_width, overflow="ellipsis")
    line.append_text(body)
    if column and speaker is not None:
        line.append(" " * max(1, text_width - body.cell_len + 1))
        speaker = speaker.copy()
        speaker.truncate(column, overflow="ellipsis")
        line.append_text(speaker)
    return line


class CandidateList(LineView, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"candidates--cursor", "candidates--thumb"}
    MARK = "candidates--thumb"

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
        self.nested: set[str] = set()  # mentions listed under their group row (indented)
        self.article_text = ""  # for a mention's surroundings
        self.marks = False  # a column for suggestion marks (some row has one)
        self.speaker_column = False  # claims: the speaker in a column of its own (wide terminals)
        self.cursor = 0
        self._cache: dict[int, Strip] = {}
        self._cursor_lines: list[Strip] | None = None  # the current row, wrapped
        self._extra = 0  # lines the current row takes beyond one
        self._cursor_stale = False  # the current row changed: its wrap may take other lines now
        self._reserve: int | None = None  # lines kept below the rows for a wrapped current row

    def restyle(self) -> None:
        self._invalidate_all()

    def _forget_styles(self) -> None:
        super()._forget_styles()
        self._cursor_lines = None  # the current row, wrapped under the old colours

    # -- contents ------------------------------------------------------------------------------------

    def fill(self, rows: list[Cand], cursor: int | None = None, *, children: Iterable[str] = ()) -> None:
        self.ids = [c["id"] for c in rows]
        self.rows = {c["id"]: c for c in rows}
        self.nested = set(children)
        self.marks = any(c.get("suggestion") or c.get("suggested") for c in rows)
        self.cursor = max(0, min(self.cursor if cursor is None else cursor, len(self.ids) - 1))
        self._invalidate_all()

    def update(self, row: Cand) -> None:
        """A row changed (a candidate decided, a group's counts): repaint it."""
        if row["id"] not in self.rows:
            return
        self.rows[row["id"]] = row
        index = self.ids.index(row["id"])
        self._cache.pop(index, None)  # its line as a row off the cursor, painted before it changed
        if index == self.cursor:
            # wrapped again when painted (a decision moves the cursor on right after: wrapping the
            # row it leaves was wasted); if its lines grow or shrink, the rows below move then
            self._cursor_lines = None
            self._cursor_stale = True
            self.refresh_lines(index, self._extra + 1)
        else:
            self._refresh_row(index)

    def row(self, cid: str) -> Text:
        return self._line(cid, max(40, self.size.width))

    def set_speaker_column(self, on: bool) -> None:
        if on != self.speaker_column:
            self.speaker_column = on
            self._invalidate_all()

    def show(self, index: int) -> None:
        """Make row ``index`` current (wrapped to show all of it) and scroll it into view."""
        if not 0 <= index < len(self.ids):
            return
        old, self.cursor = self.cursor, index
        if old != index:
            self._cursor_lines = None
            self._cursor_stale = False
            if self._extra or len(self._wrapped()) > 1:
                self._relayout()  # the rows below a wrapped row move
            else:
                self._cache.pop(old, None)
                self._refresh_row(old)
                self._refresh_row(index)
        else:
            self._settle_cursor()
        height = self.scrollable_content_region.height or self.size.height or 1
        top = int(self.scroll_y)
        first, last = index, index + self._extra
        if first < top or last >= top + height:
            target = first - height // 3 if last - first < height // 3 else first
            # at once when the view has its size: deferred, the scroll would cost a frame of its own
            self.scroll_to(y=max(0, target), animate=False, immediate=self.size.height > 0)

    # -- layout --------------------------------------------------------------------------------------

    def _invalidate_all(self) -> None:
        self._cache.clear()
        self._cursor_lines = None
        self._reserve = None
        self._relayout()

    def _settle_cursor(self) -> None:
        """After the current row changed in place: if its wrap takes other lines now, lay out the rows."""
        if self._cursor_stale:
            self._cursor_stale = False
            if len(self._wrapped()) - 1 != self._extra:
                self._relayout()

    def _relayout(self) -> None:
        """The rows below the current one move by its wrapped lines. The scrollable height keeps room
        for the longest row's wrap (estimated once per fill and width), so that moving the cursor
        repaints the list without changing its size: a size change costs a layout of the whole
        screen and a second frame for the scrollbar on every key."""
        self._extra = len(self._wrapped()) - 1 if self.ids else 0
        self._cursor_stale = False
        if self._reserve is None:
            self._reserve = self._estimate_reserve()
        self._reserve = max(self._reserve, self._extra)
        size = Size(self.size.width, len(self.ids) + self._reserve)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def _estimate_reserve(self) -> int:
        """The lines beyond one that the longest row would take as the current row (an estimate from
        its length; :meth:`_relayout` grows it when a row wraps further)."""
        width = max(20, self._text_width() or 40)
        body = max(8, width - (40 if self.speaker_column else 14))
        longest = 0
        for cid in self.ids:
            if cid in self.nested:
                longest = max(longest, 3 * body)  # a mention shows about three lines of its surroundings
                continue
            row = self.rows[cid]
            speaker = row.get("speaker")
            extra = 4 + len(speaker.get("text", "")) if isinstance(speaker, dict) and not self.speaker_column else 0
            longest = max(longest, len(str(row.get("text") or row.get("name") or "")) + extra)
        return max(0, min(MAX_LINES, -(-longest // body)) - 1)

    def on_resize(self) -> None:
        self._invalidate_all()

    def _locate(self, y: int) -> tuple[int, int]:
        """(row index, line within the row) shown on line ``y`` of the whole list."""
        c, extra = self.cursor, self._extra
        if y < c:
            return y, 0
        if y <= c + extra:
            return c, y - c
        return y - extra, 0

    def _refresh_row(self, index: int) -> None:
        self._cache.pop(index, None)
        y = index if index <= self.cursor else index + self._extra
        top = int(self.scroll_y)
        if top <= y < top + self.size.height:
            self.refresh_line(y)  # in the list's own lines (ScrollView takes the scroll off)

    # -- rendering -----------------------------------------------------------------------------------

    def _line(self, cid: str, width: int) -> Text:
        """One row's line; other reviewers' decisions (desk.others_mark) at its right edge."""
        mark = others_mark(self.rows[cid], self.me) if self.me is not None else None
        row = row_text(
            self.rows[cid],
            width - 4 if mark is not None else width,
            self.palette(),
            child=cid in self.nested,
            text=self.article_text,
            marks=self.marks,
            speaker_column=self.speaker_column,
        )
        if mark is not None:
            row.pad_right(max(0, width - 4 - row.cell_len))
            row.append_text(Text(" ").append_text(mark))
        return row

    def _wrapped(self) -> list[Strip]:
        """The current row's lines: its whole text wrapped under the prefix (and a claim's speaker
        at the end when the list has no speaker column)."""
        if self._cursor_lines is not None:
            return self._cursor_lines
        if not self.ids:
            self._cursor_lines = []
            return []
        full = max(20, self._text_width() or 40)
        cid = self.ids[self.cursor]
        row = self.rows[cid]
        mark = others_mark(row, self.me) if self.me is not None else None
        width = full - 4 if mark is not None else full  # the mark keeps its place on the current row too
        base = self.base_style
        cursor_style = self.get_component_rich_style("candidates--cursor", partial=True) + Style(dim=False)
        prefix, body, speaker = row_parts(
            row, width, self.palette(), child=cid in self.nested, text=self.article_text, marks=self.marks, current=True
        )
        indent = cell_len(prefix.plain)
        column = speaker_width(width, indent) if speaker is not None and self.speaker_column else 0
        body_width = max(8, width - indent - (column + 1 if column else 0))
        if speaker is not None and not column and speaker.plain != "—":
            body.append("  — ", style="dim")
            body.append_text(speaker)
        wrapped = list(body.wrap(self.app.console, body_width, overflow="fold")) or [Text("")]
        if len(wrapped) > MAX_LINES:
            wrapped = wrapped[:MAX_LINES]
            wrapped[-1].truncate(body_width - 1)
            wrapped[-1].append("…")
        lines = []
        for i, part in enumerate(wrapped):
            line = prefix.copy() if i == 0 else Text(" " * indent, end="")
            part.rstrip()
            line.append_text(part)
            if i == 0 and column and speaker is not None:
                line.append(" " * max(1, body_width - part.cell_len + 1))
                sp = speaker.copy()
                sp.truncate(column, overflow="ellipsis")
                line.append_text(sp)
            lines.append(line)
        strips = []
        for i, line in enumerate(lines):
            line.stylize(cursor_style)
            line.truncate(width, pad=True)
            if mark is not None:
                edge = Text(" ").append_text(mark) if i == 0 else Text(" " * 4)
                edge.stylize_before(cursor_style)  # the row's highlight under the mark's own colour
                line.append_text(edge)
                line.truncate(full, pad=True)
            strips.append(to_strip(line, self.app.console, base).adjust_cell_length(self._text_width(), base))
        self._cursor_lines = strips
        return strips

    def _text_width(self) -> int:
        """The cells a row's text may take: the width less the position mark's column."""
        return self.frame().text_width

    def render_line(self, y: int) -> Strip:
        return self.with_mark(y, y + self.frame().top, self._row_line(y))

    def _row_line(self, y: int) -> Strip:
        """Line ``y`` of the view without the position mark's column."""
        frame = self.frame()
        width = frame.text_width
        base = self.base_style
        absolute = y + frame.top
        index, part = self._locate(absolute)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        if index == self.cursor:
            if self._cursor_stale:
                self._settle_cursor()  # (a relayout repaints the rows below in the next frame)
            lines = self._wrapped()
            return lines[part] if part < len(lines) else Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            text = self._line(self.ids[index], width)
            text.truncate(width, pad=True)
            strip = to_strip(text, self.app.console, base).adjust_cell_length(width, base)
            self._cache[index] = strip
        return strip

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index, _ = self._locate(offset.y + int(self.scroll_y))
        if 0 <= index < len(self.ids):
            event.stop()
            self.post_message(self.Picked(self.kind, self.ids[index]))
