"""The status bar: where the analyst is and what mode the keys are in, one line at the top.

Each field is a reactive; the screen sets them and the bar repaints once per frame. Every string
is outside text (reviewer, filter, file names, messages) and shown through ``one_line``.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ..text import one_line, to_strip


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    article: reactive[tuple[int, int] | None] = reactive(None, layout=False)  # (i, n), 1-based
    here: reactive[tuple[int, int] | None] = reactive(None, layout=False)  # decided, total in this article
    left: reactive[int | None] = reactive(None, layout=False)  # rows of this article still pending
    store: reactive[tuple[int, int]] = reactive((0, 0), layout=False)
    reviewer: reactive[str] = reactive("", layout=False)
    filter: reactive[str] = reactive("", layout=False)
    filter_counts: reactive[str] = reactive("", layout=False)  # "3 entities, 1 claim"
    find: reactive[str] = reactive("", layout=False)  # "“Wallace” 2/5"
    busy: reactive[str] = reactive("", layout=False)
    message: reactive[str] = reactive("", layout=False)
    mode: reactive[str] = reactive("", layout=False)  # e.g. "BOUNDARIES (tokens)"
    hint: reactive[str] = reactive("", layout=False)  # the keys of the mode
    hint_first: reactive[bool] = reactive(False, layout=False)  # the hint before the counts even when cut
    disputed: reactive[int] = reactive(0, layout=False)  # candidates of this article the desk disputes
    desk: reactive[str] = reactive("", layout=False)  # "desk 5/12 · with bob" (others on this article)
    alert: reactive[str] = reactive("", layout=False)  # the store cannot be reached (and is retried)

    def render_line(self, y: int) -> Strip:
        """The bar as one line of segments: Textual's path for a renderable (measure, convert, wrap)
        took a millisecond, and the bar changes on every key."""
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        bar = self.render()
        if bar.cell_len > width:  # QA: six-digit counts were cut at 110-150 columns: the short words then
            bar = self.render(compact=True)
        bar.truncate(width, overflow="ellipsis")
        return to_strip(bar, self.app.console, base).adjust_cell_length(width, Style(bgcolor=base.bgcolor))

    def render(self, compact: bool = False) -> Text:
        """The bar; ``compact``: in the short words and order of a narrow terminal (the reviewer where
        the width allows), for counts that do not fit otherwise."""
        bar = Text(no_wrap=True, overflow="ellipsis")
        if not self.mode:  # a mode's name and keys take the app's name's place
            if (self._narrow or compact) and self.reviewer:  # who is deciding matters more than the app's name
                bar.append(f" {one_line(self.reviewer, 16)} ", style="bold reverse")
            else:
                bar.append(" newsreview ", style="bold reverse")
            return self._counts(bar, compact)
        bar.append(f" {one_line(self.mode, 40)} ", style="bold reverse magenta")
        hint = Text(f" {one_line(self.hint, 120)} ", style="magenta") if self.hint else Text("")
        counts = self._counts(Text(no_wrap=True, overflow="ellipsis"), compact)
        if not self.hint_first and bar.cell_len + hint.cell_len + counts.cell_len > self.size.width:
            # the counts (and a find's) first where not all fits: the footer lists the mode's keys too
            # (not the new claim's steps: their hint says what to do next)
            return bar.append_text(counts).append_text(Text("  ")).append_text(hint)
        return bar.append_text(hint).append_text(counts)

    def _counts(self, bar: Text, compact: bool = False) -> Text:
        """Everything after the app's or the mode's name: the alert, where the reviewer is, the totals."""
        if self.alert:  # first, so that a narrow terminal still shows it
            bar.append(f" {one_line(self.alert, 200)} ", style="bold reverse red")
        # 80 columns, or a mode's keys before the counts: closer separators, a filter and the desk
        # (disputes, who else is here) before the totals, the reviewer in the app name's place
        narrow = self._narrow or bool(self.mode) or compact
        sep = " · " if narrow else "  ·  "
        # short words, so the counts (and a desk's disputes and who else is here) fit
        short = compact or (narrow and bool(self.filter or self.find or self.mode or self.disputed or self.desk))
        if self.article is not None:
            i, n = self.article
            bar.append(f" {i}/{n}" if short else f"  article {i}/{n}")
        if self.left:
            rows = "to go" if short else f"row{'s' if self.left != 1 else ''} to go"
            bar.append(f"{sep}{self.left} {rows}", style="bold")
        if self.here is not None:
            decided, total = self.here
            bar.append(f"{sep}{decided}/{total}" + ("" if short else " decided here"))
        if narrow:  # the desk (disputes, who else is here) first: a find term pushed "with ana" off (QA)
            self._desk(bar, sep, short=True)
            self._looking(bar, sep)
            self._store(bar, sep)
        else:
            self._store(bar, sep)
            self._desk(bar, sep, short=False)
            self._looking(bar, sep)
        if self.busy:
            bar.append(f"{sep}{one_line(self.busy, 80)}", style="bold yellow")
        if self.message:
            bar.append(f"{sep}{one_line(self.message, 120)}", style="bold green")
        if not (self._narrow or compact) or self.mode:  # narrow, the reviewer is in the app name's place
            bar.append(f"{sep}reviewer {one_line(self.reviewer, 30)}")  # what changes least comes last
        return bar

    @property
    def _narrow(self) -> bool:
        return self.size.width < 110

    def _store(self, bar: Text, sep: str) -> None:
        sd, st = self.store
        bar.append(f"{sep}store {sd}/{st}")

    def _desk(self, bar: Text, sep: str, *, short: bool) -> None:
        if self.disputed:
            bar.append(f"{sep}⚠ {self.disputed} disputed" + ("" if short else " here"), style="bold red")
        if self.desk:
            bar.append(f"{sep}{one_line(self.desk, 80)}", style="cyan")

    def _looking(self, bar: Text, sep: str) -> None:
        """The filter (with its match counts) and the find: what the analyst is looking at."""
        if self.filter:
            bar.append(f"{sep}filter: ", style="bold")
            bar.append(one_line(self.filter, 40), style="yellow")
            if self.filter_counts:
                bar.append(f" ({one_line(self.filter_counts, 40)})", style="yellow")
        if self.find:
            bar.append(f"{sep}find: ", style="bold")
            bar.append(one_line(self.find, 50), style="yellow")
