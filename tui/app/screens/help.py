"""The help screen: every key in force (remaps included) with its binding id, section by section.

The sections are given by the caller (the review screen passes :data:`tui.app.bindings.SECTIONS`),
so this module knows no other screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..bindings import HELP, Keys
from ..text import one_line
from ..widgets.footer import DialogFooter
from .once import ClosesOnce


def key_table(title: str, bindings: list[Binding], keys: Keys) -> Table:
    """Keys and what they do; the binding id (what keys.toml remaps) after the description, dim, so
    that the description keeps the width on an 80-column terminal."""
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", max_width=18, overflow="fold")
    table.add_column(ratio=1)
    for b in bindings:
        shown = keys.show(b.id, sep=", ") if b.id else b.key
        what = Text(one_line(b.tooltip or b.description or b.action, 300))  # wrapped: the longest read whole
        if b.id:
            what.append(f"  {one_line(b.id, 40)}", style="dim")
        table.add_row(Text(shown), what)
    return table


class HelpScreen(ClosesOnce, ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(HELP)

    def __init__(self, sections: list[tuple[str, list[Binding]]], keys: Keys, notes: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.keys = keys
        self.notes = notes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(Text("newsreview keys — every decision is saved the moment you make it", style="bold"))
            for title, bindings in self.sections:
                yield Static(key_table(title, bindings, self.keys))
            if self.notes:
                yield Static(Text(self.notes, style="dim"))
        yield DialogFooter()

    def action_close(self) -> None:
        self.dismiss(None)
