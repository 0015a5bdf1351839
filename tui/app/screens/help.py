"""The help screen: every key, generated from the bindings actually in force (remaps included)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_table(title: str, bindings: list[Binding], keymap: dict[str, str]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for b in bindings:
        keys = keymap.get(b.id or "", b.key)
        shown = ", ".join(
            k.replace("left_square_bracket", "[")
            .replace("right_square_bracket", "]")
            .replace("full_stop", ".")
            .replace("comma", ",")
            .replace("question_mark", "?")
            .replace("slash", "/")
            for k in keys.split(",")
        )
        table.add_row(shown, Text(b.description or b.action))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "close", id="help.close")]

    def compose(self) -> ComposeResult:
        from ..widgets.article import ArticleView
        from .review import ReviewScreen

        keymap = getattr(self.app, "keymap", {})
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(Text("newsreview keys — every decision is saved the moment you make it", style="bold"))
            yield Static(key_table("Review", ReviewScreen.BINDINGS, keymap))
            yield Static(key_table("Selecting text (after v)", ArticleView.BINDINGS, keymap))
            yield Static(
                Text(
                    "Boundaries: [ and ] move the start, , and . move the end by a token (m: by a character); "
                    "enter saves the edit, escape cancels.\nFilter (/): words, status:pending, label:PERSON, kind:claim, "
                    "type:direct.\nctrl+p: command palette (export, themes, every action). "
                    'Remap keys in keys.toml under the config folder (binding ids above, e.g. review.accept = "y").',
                    style="dim",
                )
            )

    async def action_dismiss(self, result: object = None) -> None:
        self.dismiss(None)
