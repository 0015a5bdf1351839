"""The review screen's footer: Textual's, with the way out kept in view in a mode.

Textual's footer lists the focused widget's keys first. In the article's cursor mode (text selection,
the new-claim steps) those are seven keys, and on a narrow terminal help, quit and the key back out
fell off the line. The status line's mode hint already names the mode's keys, so here a mode's back
key, help and quit come first whenever a back key is shown. A screen may also leave keys out that do
not act now (``footer_allows``: the review screen's new claim lists only its step's keys).
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets._footer import FooterKey

from ..leaks import PrunedFooter

FIRST = ("leave", "help", "quit")  # the article's back key (escape), then the screen's help and quit


class WholeKeysFooter(PrunedFooter):
    """A footer that shows a key only with its whole label: the keys past the terminal's width are
    left out, not cut (QA, stop 50: "… l art" at 80 columns, "q quit e" — a key without its label —
    at 40). The help lists every key."""

    async def recompose(self) -> None:
        await super().recompose()
        self.fit_keys()

    def on_resize(self) -> None:
        self.fit_keys()

    def fit_keys(self) -> None:
        room = self.size.width
        if room <= 0:
            return
        keys = [c for c in self.children if isinstance(c, FooterKey)]
        docked = [k for k in keys if k.has_class("-command-palette")]
        used = sum(_width(k) for k in docked)
        full = False
        for key in keys:
            if key in docked:
                continue
            width = _width(key)
            fits = not full and used + width <= room
            full |= not fits  # (in order: none after the first that does not fit)
            key.display = fits
            if fits:
                used += width


def _width(key: FooterKey) -> int:
    """The cells ``key`` takes in the footer: its label, its padding and border, its margin."""
    return cell_len(key.render().plain) + key.styles.gutter.width + key.styles.margin.width


class ReviewFooter(WholeKeysFooter):
    def compose(self) -> ComposeResult:
        if not getattr(self, "_bindings_ready", True) or any(  # (before the screen's bindings are ready: none)
            binding.group is not None for _, binding, _, _ in self.screen.active_bindings.values() if binding.show
        ):
            # grouped keys are composed inside `with KeyGroup()`: collected here first, they would fall
            # out of their group, so Textual's own order stays (the review screen's keys have no groups)
            yield from super().compose()
            return
        items = list(super().compose())
        actions = {id(item): getattr(item, "action", None) for item in items}  # FooterKey's (not public)
        # in the screen's own order: Textual moves a remapped binding to the end (QA: "review.accept" =
        # "y" pushed accept and reject off an 80-column footer)
        order = {b.action: n for n, b in enumerate(getattr(self.screen, "BINDINGS", ())) if isinstance(b, Binding)}
        items.sort(key=lambda item: order.get(str(actions[id(item)]), len(order)))
        allows = getattr(self.screen, "footer_allows", None)  # the review screen's: a new claim's step
        if callable(allows):
            kept = [item for item in items if not isinstance(actions[id(item)], str) or allows(actions[id(item)])]
            if len(kept) < len(items):  # a column for each key (Textual counted them all)
                self.styles.grid_size_columns = max(1, int(self.styles.grid_size_columns or 0) - len(items) + len(kept))
            items = kept
        if "leave" not in actions.values():
            yield from items
            return
        first = sorted(
            (item for item in items if actions[id(item)] in FIRST), key=lambda i: FIRST.index(actions[id(i)])
        )
        yield from first
        yield from (item for item in items if item not in first)


class DialogFooter(WholeKeysFooter):
    """A dialog's own keys at the bottom of the terminal. Without it the review screen's footer showed
    through beneath every dialog: "a accept  x reject …" under the edit dialog, keys that do nothing
    there (QA, stop 40). No palette key (the app's ``ctrl+p`` is in the help); compact when narrow."""

    def __init__(self) -> None:
        super().__init__(show_command_palette=False)

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:  # (QA: a dialog opened wide kept its wide footer when narrowed)
        self._fit()

    def _fit(self) -> None:
        self.compact = self.app.size.width < 110
