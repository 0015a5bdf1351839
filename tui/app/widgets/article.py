"""The article pane: wrapped article text with every candidate highlighted in place (Line API).

Only visible lines are rendered (``render_line``), strips are cached per line, and a decision only
invalidates the lines its candidate covers — so a 100,000-character article with thousands of
candidates stays responsive. Offsets are Python ``str`` indices throughout; the displayed text is
``clean`` and ``steady`` of the article (same length), so a span's characters are exactly the ones styled.

Colours come from the theme: the pane's own background and foreground, and the component classes
below (set in newsreview.tcss with theme variables); entity labels keep their hues, adapted to the
background by :class:`~tui.app.text.Palette`.

A cursor mode (``v``) gives a cursor and a selection for adding what the model missed (selection
semantics: :mod:`tui.app.spans`). A click on a highlighted span makes that candidate current; in
cursor mode it moves the cursor.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, ClassVar

from rich.cells import get_character_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from extractors.wrapping import unwrapped

from ...sanitize import clean
from ...store.versions import in_dispute
from .. import spans
from ..bindings import ARTICLE
from ..text import steady, to_strip
from .lines import LineView

Cand = dict[str, Any]

#: styles that must not leak from the span under the cursor or the selection into them
_RESET = Style(reverse=False, strike=False, dim=False)


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


def ranges(cand: Cand) -> list[tuple[int, int]]:
    """The spans a candidate paints: itself, and a claim's speaker and cue."""
    out = [(cand["start"], cand["end"])]
    if cand.get("kind") == "claim":
        for key in ("speaker", "cue"):
            ref = cand.get(key)
            if ref:
                out.append((ref["start"], ref["end"]))
    return out


class ArticleView(LineView, can_focus=False):
    """Article text with candidate highlights; cursor and selection in cursor mode."""

    BINDINGS: ClassVar[list[BindingType]] = list(ARTICLE)
    MARK = "article--thumb"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--claim",
        "article--claim-decided",
        "article--speaker",
        "article--cue",
        "article--current",
        "article--preview",
        "article--selection",
        "article--cursor",
        "article--match",
        "article--match-current",
        "article--thumb",
    }

    class Create(Message):
        """New candidate from the selection (or the token at the cursor)."""

        def __init__(self, kind: str, start: int, end: int) -> None:
            self.kind, self.start, self.end = kind, start, end
            super().__init__()

    class Assign(Message):
        """The selection (or the token at the cursor) as a claim's ``role``: content, speaker or cue."""

        def __init__(self, role: str, start: int, end: int) -> None:
            self.role, self.start, self.end = role, start, end
            super().__init__()

    class Step(Message):
        """Enter in cursor mode: a new claim's next step (no speaker, no cue)."""

    class Left(Message):
        """Cursor mode ended."""

    class Picked(Message):
        """A highlighted span was clicked."""

        def __init__(self, cid: str) -> None:
            self.cid = cid
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.display_text = ""
        self.cands: dict[str, Cand] = {}
        self.lines: list[tuple[int, int]] = [(0, 0)]
        self.starts: list[int] = [0]
        self.line_cands: list[list[str]] = [[]]
        self.current: str | None = None
        self.preview: tuple[int, int] | None = None  # boundary edit in progress
        self.cursor: int | None = None
        self.selection_state: spans.Selection | None = None
        self.by_char = False  # character mode (set by the screen)
        self.tokens: list[tuple[int, int]] = []
        self.matches: list[tuple[int, int]] = []
        self.match_index: int | None = None
        self._cache: dict[int, Strip] = {}
        self._width = 0

    def restyle(self) -> None:
        self._cache.clear()
        self.refresh()

    # -- content -------------------------------------------------------------------------------------

    def set_article(
        self,
        text: str,
        cands: list[Cand],
        tokens: list[tuple[int, int]] | list[list[int]],
        flow: str | None = None,
    ) -> None:
        """``flow``: ``text`` unwrapped, if the caller has it already."""
        self.text = text
        # a hard-wrapped paragraph flows in the pane like any other (its wraps as spaces: same offsets)
        self.display_text = steady(clean(unwrapped(text) if flow is None else flow))
        self.tokens = [(int(t[0]), int(t[1])) for t in tokens]
        self.cands = {c["id"]: c for c in cands}
        self.current = None
        self.preview = None
        self.cursor = None
        self.selection_state = None
        self.matches, self.match_index = [], None
        self._width = 0
        self._rewrap()
        self.scroll_to(y=0, animate=False)

    def update_candidates(self, cands: list[Cand]) -> None:
        """Store results in: a span that moved, appeared or went away re-indexes the lines; else
        only the lines of the changed candidates repaint."""
        moved = False
        for cand in cands:
            old = self.cands.get(cand["id"])
            if cand.get("status") == "removed":
                moved |= self.cands.pop(cand["id"], None) is not None
                continue
            self.cands[cand["id"]] = cand
            moved |= old is None or ranges(old) != ranges(cand)
        if moved:
            self._index()
            self._cache.clear()
            self.refresh()
            return
        for cand in cands:
            self._invalidate(cand["id"])

    def replace_candidates(self, cands: list[Cand]) -> None:
        """The article's candidates anew (a re-extraction of the same text): the cursor, a selection, a
        boundary preview and the scroll stay where they are."""
        self.cands = {c["id"]: c for c in cands}
        if self.current not in self.cands:
            self.current = None
        self._index()
        self._cache.clear()
        self.refresh()

    def set_current(self, cid: str | None, *, scroll: bool = True) -> None:
        old, self.current = self.current, cid
        self._invalidate(old)
        self._invalidate(cid)
        if cid and scroll and cid in self.cands:
            self.scroll_to_offset(self.cands[cid]["start"], self.cands[cid]["end"])

    def set_preview(self, preview: tuple[int, int] | None) -> None:
        old = self.preview
        self.preview = preview
        if old is not None:
            self._invalidate_range(*old)
        if preview is not None:
            self._invalidate_range(*preview)
            self.scroll_to_offset(*preview)
        if self.current:
            self._invalidate(self.current)

    def set_matches(self, matches: list[tuple[int, int]], index: int | None) -> None:
        """Highlight find results; ``index`` is the current one (scrolled into view)."""
        self.matches, self.match_index = matches, index
        self._cache.clear()
        self.refresh()
        if index is not None and 0 <= index < len(matches):
            self.scroll_to_offset(*matches[index])

    # -- layout --------------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._rewrap()

    def _rewrap(self) -> None:
        # the last column holds the position mark (see render_line)
        width = max(8, (self.scrollable_content_region.width or self.size.width or 80) - 1)
        if width == self._width:
            return
        self._width = width
        self.lines = wrap(self.display_text, width) or [(0, 0)]  # as drawn: a control is a symbol, one cell
        self.starts = [s for s, _ in self.lines]
        self._index()
        self._cache.clear()
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    def _index(self) -> None:
        self.line_cands = [[] for _ in self.lines]
        for cid, cand in self.cands.items():
            for s, e in ranges(cand):
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
            # at once when the view has its size: deferred, the scroll would cost a frame of its own
            self.scroll_to(y=max(0, target), animate=False, immediate=self.size.height > 0)

    def _invalidate(self, cid: str | None) -> None:
        cand = self.cands.get(cid) if cid else None
        if cand is None:
            return
        for s, e in ranges(cand):
            self._invalidate_range(s, e)

    def _invalidate_range(self, start: int, end: int) -> None:
        lines = self._line_range(start, end)
        for y in lines:
            self._cache.pop(y, None)
        top = int(self.scroll_y)
        first, last = max(lines.start, top), min(lines.stop, top + self.size.height)
        if first < last:  # one region for the visible lines: a refresh per line cost ~0.1 ms each
            self.refresh_lines(first, last - first)  # in the article's own lines (ScrollView takes the scroll off)

    def offset_at(self, x: int, y: int) -> int | None:
        """The article offset shown at content cell (x, y) of the visible area, if any."""
        index = y + int(self.scroll_y)
        if not 0 <= index < len(self.lines):
            return None
        ls, le = self.lines[index]
        cells = x + int(self.scroll_x)
        col = 0
        for pos in range(ls, le):
            col += get_character_cell_size(self.display_text[pos])
            if col > cells:
                return pos
        return le if le < len(self.text) or le == ls else None

    def candidates_at(self, offset: int) -> list[str]:
        """Candidates whose span holds ``offset``: entities before claims, shortest first."""
        y = self.line_of(offset)
        if y >= len(self.line_cands):
            return []
        hits = [cid for cid in self.line_cands[y] if self.cands[cid]["start"] <= offset < self.cands[cid]["end"]]
        hits.sort(key=lambda c: (self.cands[c]["kind"] != "entity", self.cands[c]["end"] - self.cands[c]["start"]))
        return hits

    # -- rendering -----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        frame = self.frame()
        scroll_x, index, width = frame.scroll_x, y + frame.scroll_y, frame.width
        base = self.base_style
        if index >= len(self.lines):
            return Strip.join([Strip.blank(width - 1, base), self.position_mark(y)])
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_index(index)
            self._cache[index] = strip
        return self.with_mark(y, index, strip.crop_extend(scroll_x, scroll_x + width - 1, base))

    def _render_index(self, index: int) -> Strip:
        ls, le = self.lines[index]
        line = Text(self.display_text[ls:le], no_wrap=True, end="")
        palette = self.palette()

        def paint(style: Style, s: int, e: int) -> None:
            s, e = max(s, ls), min(e, le)
            if s < e:
                line.stylize(style, s - ls, e - ls)

        for cid in self.line_cands[index]:
            cand = self.cands[cid]
            status = cand.get("status", "pending")
            if cand["kind"] == "claim":
                if status == "rejected":
                    paint(Style(dim=True, strike=True), cand["start"], cand["end"])
                    continue
                paint(
                    self.component("article--claim" if status == "pending" else "article--claim-decided"),
                    cand["start"],
                    cand["end"],
                )
                for ref, name in ((cand.get("speaker"), "article--speaker"), (cand.get("cue"), "article--cue")):
                    if ref:
                        paint(self.component(name), ref["start"], ref["end"])
            else:
                disputed = status != "pending" and bool(cand.get("reviews")) and in_dispute(cand)
                paint(palette.entity(cand["label"], status, disputed=disputed), cand["start"], cand["end"])
        for i, (s, e) in enumerate(self.matches):
            if s < le and e > ls:
                name = "article--match-current" if i == self.match_index else "article--match"
                paint(self.component(name) + _RESET, s, e)
        if self.preview is not None:
            paint(self.component("article--preview"), *self.preview)
        elif self.current and self.current in self.cands:
            cur = self.cands[self.current]
            paint(self.component("article--current"), cur["start"], cur["end"])
        if self.cursor is not None:
            sel = self.selection()
            if sel:
                paint(_RESET + self.component("article--selection"), *sel)  # its own reverse (NO_COLOR) stays
            cursor_style = self.component("article--cursor") + _RESET
            if ls <= self.cursor < le:
                paint(cursor_style, self.cursor, self.cursor + 1)
            elif self.cursor == le and (le == len(self.text) or self.text[le] == "\n"):
                line.append(" ", cursor_style)  # on a line end: a visible cell of its own
        return to_strip(line, self.app.console, self.base_style)

    # -- cursor mode ---------------------------------------------------------------------------------

    def enter_cursor_mode(self, at: int) -> None:
        self.cursor = max(0, min(at, max(0, len(self.text) - 1)))
        self.selection_state = None
        self._cache.clear()
        self.refresh()
        self.can_focus = True  # focusable only in cursor mode, so the review keys stay with the screen
        self.focus()
        self.scroll_to_offset(self.cursor, self.cursor + 1)

    def selection(self) -> tuple[int, int] | None:
        if self.cursor is None or self.selection_state is None:
            return None
        return self.selection_state.span(self.tokens)

    def set_by_char(self, by_char: bool) -> None:
        """Switch token / character units, keeping what is selected."""
        if by_char == self.by_char:
            return
        self.by_char = by_char
        sel = self.selection_state
        if sel is None or self.cursor is None:
            return
        start, end = sel.span(self.tokens)
        forward = sel.head >= sel.anchor
        if by_char:
            last = spans.cluster_at(self.text, end - 1)[0]
            anchor, head = (start, last) if forward else (last, start)
            self.selection_state = spans.Selection(anchor, head, True, self.text)
        elif self.tokens:
            a = spans.token_index_at(self.tokens, start if forward else end - 1)
            h = spans.token_index_at(self.tokens, end - 1 if forward else start)
            assert a is not None and h is not None
            self.selection_state = spans.Selection(a, h, False)
        self._show_selection(self.selection_state, (start, end))

    def _show_selection(self, new: spans.Selection | None, old_span: tuple[int, int] | None) -> None:
        if self.cursor is None:
            return
        old_cursor = self.cursor
        self.selection_state = new
        if new is not None:
            self.cursor = new.cursor(self.tokens)
        span = self.selection() or (self.cursor, self.cursor + 1)
        lo = min(span[0], old_cursor, *(old_span or span))
        hi = max(span[1], old_cursor + 1, *(old_span or span))
        self._invalidate_range(lo, hi + 1)
        self.scroll_to_offset(self.cursor, self.cursor + 1)

    def move_cursor(self, to: int) -> None:
        """Put the cursor at ``to`` (clamped); any selection ends."""
        if self.cursor is None:
            return
        old = self.selection() or (self.cursor, self.cursor + 1)
        self.cursor = max(0, min(to, len(self.text)))
        self._show_selection(None, old)

    def select_span(self, start: int, end: int) -> None:
        """Select exactly [start, end) (a find result): tokens if it is token-aligned, else characters."""
        if self.cursor is None:
            return
        old = self.selection() or (self.cursor, self.cursor + 1)
        if end > start:  # whole characters: a match may stop inside one ("e" of an "e" + accent)
            start, end = spans.cluster_at(self.text, start)[0], spans.cluster_at(self.text, end - 1)[1]
        a = spans.token_index_at(self.tokens, start) if self.tokens else None
        b = spans.token_index_at(self.tokens, end - 1) if self.tokens else None
        if (
            not self.by_char
            and a is not None
            and b is not None
            and (self.tokens[a][0], self.tokens[b][1]) == (start, end)
        ):
            new = spans.Selection(a, b, False)
        else:
            self.by_char = True
            head = spans.cluster_at(self.text, end - 1)[0] if end > start else start
            new = spans.Selection(start, head, True, self.text)  # by grapheme cluster, as keys extend it
        self.cursor = start
        self._show_selection(new, old)

    def action_cursor(self, dx: int, dy: int) -> None:
        if self.cursor is None:
            return
        if dy:
            y = self.line_of(self.cursor)
            col = self.cursor - self.lines[y][0]
            ny = max(0, min(len(self.lines) - 1, y + dy))
            s, e = self.lines[ny]
            to = min(s + col, max(s, e - 1)) if e > s else s
            self.move_cursor(max(s, spans.cluster_at(self.text, to)[0]) if e > s else s)
        else:  # a character as a reader sees it (QA: an emoji family took seven presses, a flag two)
            self.move_cursor(spans.char_step(self.text, self.cursor, dx))

    def action_word(self, direction: int) -> None:
        if self.cursor is not None:
            self.move_cursor(spans.word_step(self.tokens, self.cursor, direction, self.text))

    def action_select(self, direction: int) -> None:
        """Extend (or shrink) the selection by one token, or one character in character mode."""
        if self.cursor is None:
            return
        old = self.selection()
        sel = self.selection_state
        if sel is None:
            new = spans.start_selection(self.text, self.tokens, self.cursor, by_char=self.by_char)
        else:
            new = spans.extend_selection(self.text, self.tokens, sel, direction)
        self._show_selection(new, old)

    def action_grow(self, direction: int) -> None:
        """Grow the selection to the next quotation mark, sentence end or line end (``direction`` > 0),
        or back to the previous opening quote, sentence start or line start (see
        :func:`~tui.app.spans.sentence_stop`); the selection's other end stays."""
        if self.cursor is None or not self.tokens:
            return
        old = self.selection()
        start, end = old or self.selected_span() or (self.cursor, self.cursor + 1)
        lo = spans.token_index_at(self.tokens, start)
        hi = spans.last_token_before(self.tokens, end)
        if lo is None or hi is None:
            return
        grown = spans.grow_to_stop(self.display_text, self.tokens, spans.Selection(lo, max(lo, hi), False), direction)
        g_start, g_end = grown.span(self.tokens)
        # the end that stays, stays where it was (character mode: not snapped to its token's edge)
        g_start, g_end = (start, g_end) if direction > 0 else (g_start, end)
        if (g_start, g_end) == (start, end):
            self.app.bell()  # nothing further that way
            return
        new = grown
        if self.by_char:  # character mode keeps its units: the grown span in characters, the head moved
            last = spans.cluster_at(self.text, g_end - 1)[0]
            a, h = (g_start, last) if direction > 0 else (last, g_start)
            new = spans.Selection(a, h, True, self.text)
        self._show_selection(new, old)

    def selected_span(self) -> tuple[int, int] | None:
        """The selection, or the token at the cursor; None outside cursor mode."""
        if self.cursor is None:
            return None
        sel = self.selection()
        if sel is None:
            start = spans.start_selection(self.text, self.tokens, self.cursor, by_char=self.by_char)
            if start is None:
                return None
            sel = start.span(self.tokens)
        return sel

    def action_create(self, kind: str) -> None:
        sel = self.selected_span()
        if sel is not None:
            self.post_message(self.Create(kind, *sel))

    def action_assign(self, role: str) -> None:
        sel = self.selected_span()
        if sel is not None:
            self.post_message(self.Assign(role, *sel))

    def action_step(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Step())

    def clear_selection(self) -> None:
        """Drop the selection (the cursor stays): the next one starts afresh."""
        if self.cursor is not None:
            self.move_cursor(self.cursor)

    def action_leave(self) -> None:
        self.cursor = None
        self.selection_state = None
        self.can_focus = False
        self.screen.set_focus(None)
        self._cache.clear()
        self.refresh()
        self.post_message(self.Left())

    # -- mouse ---------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        pos = self.offset_at(offset.x, offset.y)
        if pos is None:
            return
        event.stop()
        if self.cursor is not None:
            self.move_cursor(pos)
            return
        hits = self.candidates_at(pos)
        if hits:
            self.post_message(self.Picked(hits[0]))
