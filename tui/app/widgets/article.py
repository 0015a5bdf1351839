"""The article pane: wrapped article text with every candidate highlighted in place (Line API).

Only visible lines are rendered (``render_line``), strips are cached per line, and a decision only
invalidates the lines its candidate covers — so a 100,000-character article with thousands of
candidates stays responsive. Offsets are Python ``str`` indices throughout; the displayed text is
:func:`visible` of the article (same length), so a span's characters are exactly the ones styled.

A cursor mode (``v``) gives a cursor and a selection for adding what the model missed.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, ClassVar

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..text import (
    CUE_STYLE,
    CURRENT_STYLE,
    CURSOR_STYLE,
    SELECTION_STYLE,
    SPEAKER_STYLE,
    claim_style,
    entity_style,
    visible,
)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap by terminal cells; returns (start, end) str offsets of each visual line."""
    width = max(8, width)
    lines: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos <= n:
        para_end = text.find("\n", pos)
        if para_end < 0:
            para_end = n
        start = pos
        if start == para_end:
            lines.append((start, start))
        while start < para_end:
            chunk = text[start : min(para_end, start + width)]
            if chunk.isascii():
                end = start + len(chunk)
            else:
                cells, end = 0, start
                while end < para_end:
                    w = get_character_cell_size(text[end])
                    if cells + w > width:
                        break
                    cells += w
                    end += 1
                end = max(end, start + 1)
            if end < para_end:
                space = text.rfind(" ", start, end)
                if space > start:
                    end = space + 1
            lines.append((start, end))
            start = end
        pos = para_end + 1
    return lines


class ArticleView(ScrollView, can_focus=False):
    """Article text with candidate highlights; cursor and selection in cursor mode."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1, 0)", "left", show=False, id="article.left"),
        Binding("right,l", "cursor(1, 0)", "right", show=False, id="article.right"),
        Binding("up,k", "cursor(0, -1)", "up", show=False, id="article.up"),
        Binding("down,j", "cursor(0, 1)", "down", show=False, id="article.down"),
        Binding("shift+left,H", "select(-1)", "extend left", id="article.select_left"),
        Binding("shift+right,L", "select(1)", "extend right", id="article.select_right"),
        Binding("w", "word(1)", "next word", show=False, id="article.word_next"),
        Binding("b", "word(-1)", "prev word", show=False, id="article.word_prev"),
        Binding("e,t", "create('entity')", "new entity", id="article.new_entity"),
        Binding("c", "create('claim')", "new claim", id="article.new_claim"),
        Binding("escape,v", "leave", "back to list", id="article.leave"),
    ]

    class Create(Message):
        def __init__(self, kind: str, start: int, end: int) -> None:
            self.kind, self.start, self.end = kind, start, end
            super().__init__()

    class Left(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.display_text = ""
        self.cands: dict[str, dict[str, Any]] = {}
        self.lines: list[tuple[int, int]] = [(0, 0)]
        self.starts: list[int] = [0]
        self.line_cands: list[list[str]] = [[]]
        self.current: str | None = None
        self.preview: dict[str, Any] | None = None  # boundary edit in progress: {"id", "start", "end"}
        self.cursor: int | None = None
        self.anchor: int | None = None
        self.tokens: list[tuple[int, int]] = []
        self._cache: dict[int, Strip] = {}
        self._width = 0

    # -- content -------------------------------------------------------------------------------------

    def set_article(self, text: str, cands: list[dict[str, Any]], tokens: list[tuple[int, int]]) -> None:
        self.text = text
        self.display_text = visible(text)
        self.tokens = [tuple(t) for t in tokens]
        self.cands = {c["id"]: c for c in cands}
        self.current = None
        self.preview = None
        self.cursor = self.anchor = None
        self._width = 0
        self._rewrap()
        self.scroll_to(y=0, animate=False)

    def update_candidates(self, cands: list[dict[str, Any]]) -> None:
        for cand in cands:
            old = self.cands.get(cand["id"])
            if cand.get("status") == "removed":
                self.cands.pop(cand["id"], None)
            else:
                self.cands[cand["id"]] = cand
            if old is None or _ranges(old) != _ranges(cand):
                self._index()
                self._cache.clear()
                self.refresh()
                return
            self._invalidate(cand["id"])

    def set_current(self, cid: str | None, *, scroll: bool = True) -> None:
        old, self.current = self.current, cid
        self._invalidate(old)
        self._invalidate(cid)
        if cid and scroll:
            self.scroll_to_offset(self.cands[cid]["start"], self.cands[cid]["end"])

    def set_preview(self, preview: dict[str, Any] | None) -> None:
        old = self.preview
        self.preview = preview
        if old is not None:
            self._invalidate_range(old["start"], old["end"])
        if preview is not None:
            self._invalidate_range(preview["start"], preview["end"])
            self.scroll_to_offset(preview["start"], preview["end"])
        if self.current:
            self._invalidate(self.current)

    # -- layout --------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        width = max(8, self.scrollable_content_region.width or self.size.width or 80)
        if width == self._width:
            return
        self._width = width
        self.lines = wrap(self.text, width) or [(0, 0)]
        self.starts = [s for s, _ in self.lines]
        self._index()
        self._cache.clear()
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    def _index(self) -> None:
        self.line_cands = [[] for _ in self.lines]
        for cid, cand in self.cands.items():
            for s, e in _ranges(cand):
                for y in self._line_range(s, e):
                    if cid not in self.line_cands[y]:
                        self.line_cands[y].append(cid)
        order = {"claim": 0, "entity": 1}
        for ids in self.line_cands:
            ids.sort(key=lambda c: (order[self.cands[c]["kind"]], self.cands[c]["start"]))

    def _line_range(self, start: int, end: int) -> range:
        first = max(0, bisect_right(self.starts, start) - 1)
        last = max(first, bisect_right(self.starts, max(start, end - 1)) - 1)
        return range(first, min(last, len(self.lines) - 1) + 1)

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def scroll_to_offset(self, start: int, end: int) -> None:
        y0, y1 = self.line_of(start), self.line_of(max(start, end - 1))
        height = self.scrollable_content_region.height or self.size.height or 1
        top = int(self.scroll_y)
        if y0 < top or y1 >= top + height:
            target = y0 - max(0, (height - (y1 - y0 + 1)) // 3)
            self.scroll_to(y=max(0, target), animate=False)

    def _invalidate(self, cid: str | None) -> None:
        cand = self.cands.get(cid) if cid else None
        if cand is None:
            return
        for s, e in _ranges(cand):
            self._invalidate_range(s, e)

    def _invalidate_range(self, start: int, end: int) -> None:
        top = int(self.scroll_y)
        for y in self._line_range(start, end):
            self._cache.pop(y, None)
            if top <= y < top + self.size.height:
                self.refresh_line(y - top)

    # -- rendering -----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_index(index)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_index(self, index: int) -> Strip:
        ls, le = self.lines[index]
        line = Text(self.display_text[ls:le], no_wrap=True, end="")

        def paint(style: Style, s: int, e: int) -> None:
            s, e = max(s, ls), min(e, le)
            if s < e:
                line.stylize(style, s - ls, e - ls)

        for cid in self.line_cands[index]:
            cand = self.cands[cid]
            status = cand.get("status", "pending")
            if cand["kind"] == "claim":
                paint(claim_style(status), cand["start"], cand["end"])
                if status != "rejected":
                    for ref, style in ((cand.get("speaker"), SPEAKER_STYLE), (cand.get("cue"), CUE_STYLE)):
                        if ref:
                            paint(style, ref["start"], ref["end"])
            else:
                paint(entity_style(cand["label"], status), cand["start"], cand["end"])
        if self.current and self.current in self.cands and self.preview is None:
            cur = self.cands[self.current]
            paint(CURRENT_STYLE, cur["start"], cur["end"])
        if self.preview is not None:
            paint(CURRENT_STYLE + Style(underline=True), self.preview["start"], self.preview["end"])
        if self.cursor is not None:
            sel = self.selection()
            if sel:
                paint(SELECTION_STYLE, *sel)
            if ls <= self.cursor < le or (
                self.cursor == le and self.cursor == len(self.text) and index == len(self.lines) - 1
            ):
                if self.cursor < le:
                    paint(CURSOR_STYLE, self.cursor, self.cursor + 1)
                else:
                    line.append(" ", CURSOR_STYLE)
        segments = list(line.render(self.app.console))
        return Strip([s for s in segments if s.text != "\n"] or [Segment("")])

    # -- cursor mode ---------------------------------------------------------------------------------

    def enter_cursor_mode(self, at: int) -> None:
        self.cursor = max(0, min(at, max(0, len(self.text) - 1)))
        self.anchor = None
        self._cache.clear()
        self.refresh()
        self.can_focus = True  # focusable only in cursor mode, so the review keys stay with the screen
        self.focus()

    def selection(self) -> tuple[int, int] | None:
        if self.cursor is None or self.anchor is None or self.anchor == self.cursor:
            return None
        s, e = sorted((self.anchor, self.cursor))
        return s, e

    def _move_cursor(self, to: int, *, extend: bool) -> None:
        if self.cursor is None:
            return
        old_sel = self.selection() or (self.cursor, self.cursor + 1)
        if extend and self.anchor is None:
            self.anchor = self.cursor
        if not extend:
            self.anchor = None
        self.cursor = max(0, min(to, len(self.text)))
        new_sel = self.selection() or (self.cursor, self.cursor + 1)
        self._invalidate_range(min(old_sel[0], new_sel[0]), max(old_sel[1], new_sel[1]))
        self.scroll_to_offset(self.cursor, self.cursor + 1)

    def action_cursor(self, dx: int, dy: int) -> None:
        if self.cursor is None:
            return
        if dy:
            y = self.line_of(self.cursor)
            col = self.cursor - self.lines[y][0]
            ny = max(0, min(len(self.lines) - 1, y + dy))
            s, e = self.lines[ny]
            self._move_cursor(min(s + col, max(s, e - 1)) if e > s else s, extend=False)
        else:
            self._move_cursor(self.cursor + dx, extend=False)

    def action_word(self, direction: int) -> None:
        if self.cursor is None:
            return
        if direction > 0:
            nxt = next((s for s, _ in self.tokens if s > self.cursor), self.cursor)
        else:
            nxt = next((s for s, _ in reversed(self.tokens) if s < self.cursor), self.cursor)
        self._move_cursor(nxt, extend=False)

    def action_select(self, direction: int) -> None:
        """Extend the selection by one token (or one character in character mode)."""
        if self.cursor is None:
            return
        char_mode = getattr(self.screen, "char_mode", False)
        if char_mode or not self.tokens:
            self._move_cursor(self.cursor + direction, extend=True)
            return
        if direction > 0:
            to = next((e for s, e in self.tokens if e > self.cursor), len(self.text))
        else:
            to = next((s for s, e in reversed(self.tokens) if s < self.cursor), 0)
        self._move_cursor(to, extend=True)

    def action_create(self, kind: str) -> None:
        sel = self.selection()
        if sel is None:
            if self.cursor is None:
                return
            tok = next(((s, e) for s, e in self.tokens if s <= self.cursor < e), None)
            sel = tok or (self.cursor, self.cursor + 1)
        start, end = sel
        if not getattr(self.screen, "char_mode", False) and self.tokens:
            start = max((s for s, e in self.tokens if s <= start), default=start)
            end = min((e for s, e in self.tokens if e >= end), default=end)
        self.post_message(self.Create(kind, start, end))

    def action_leave(self) -> None:
        self.cursor = self.anchor = None
        self.can_focus = False
        self.screen.set_focus(None)
        self._cache.clear()
        self.refresh()
        self.post_message(self.Left())


def _ranges(cand: dict[str, Any]) -> list[tuple[int, int]]:
    out = [(cand["start"], cand["end"])]
    if cand.get("kind") == "claim":
        for key in ("speaker", "cue"):
            ref = cand.get(key)
            if ref:
                out.append((ref["start"], ref["end"]))
    return out
