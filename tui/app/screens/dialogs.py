"""Modal dialogs: confirm, label picker, and the edit dialog (validation messages from the store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static

from extractors.vocabulary import QUOTE_TYPES

from ..bindings import CONFIRM, EDIT, LABEL_PICKER, Keys
from ..text import label_chip, one_line, safe


class Confirm(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = list(CONFIRM)

    def __init__(self, question: str, keys: Keys) -> None:
        super().__init__()
        self.question = question
        self.keys = keys

    def compose(self) -> ComposeResult:
        k = self.keys
        with Vertical(classes="dialog"):
            yield Static(safe(self.question, style="bold"))
            yield Static(
                Text(f"{k.show('confirm.yes', sep=' / ')}: yes    {k.show('confirm.no', sep=' / ')}: no", style="dim")
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class LabelPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = list(LABEL_PICKER)

    def __init__(self, text: str, labels: list[str], keys: Keys) -> None:
        super().__init__()
        self.text = text
        self.labels = labels
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text.assemble(("New entity: ", "bold"), (one_line(self.text, 60), "reverse")))
            legend = Text()
            for i, label in enumerate(self.labels[:10]):
                legend.append(f" {self.keys.show(f'labels.pick_{i + 1}')} ", style="bold reverse")
                legend.append(" ")
                legend.append(f" {one_line(label, 20)} ", style=label_chip(label))
                legend.append("\n")
            yield Static(legend)
            yield Static(Text(f"press a label's key; {self.keys.show('labels.cancel')} cancels", style="dim"))

    def action_pick(self, i: int) -> None:
        self.dismiss(self.labels[i] if 0 <= i < len(self.labels) else None)


class EditDialog(ModalScreen[None]):
    """Edit every field of a candidate; saving records one `edit` decision (the original is kept)."""

    BINDINGS: ClassVar[list[BindingType]] = list(EDIT)

    def __init__(
        self,
        cand: dict[str, Any],
        text: str,
        entities: list[dict[str, Any]],
        labels: list[str],
        save: Callable[[dict[str, Any]], str | None],
        keys: Keys,
    ) -> None:
        super().__init__()
        self.cand = cand
        self.text = text
        self.entities = sorted(entities, key=lambda e: e["start"])
        self.labels = labels
        self.save = save
        self.keys = keys

    def compose(self) -> ComposeResult:
        c = self.cand
        with Vertical(classes="dialog", id="edit-dialog"):
            yield Static(
                Text.assemble(
                    ("Edit ", "bold"), (one_line(c["kind"], 10), "bold"), ": ", (one_line(c["text"], 70), "reverse")
                )
            )
            with Grid(id="edit-grid"):
                if c["kind"] == "entity":
                    yield Label("label")
                    labels = [(Text(one_line(lab, 30)), lab) for lab in dict.fromkeys([*self.labels, c["label"]])]
                    yield Select(labels, value=c["label"], allow_blank=False, id="label")
                yield Label("start")
                yield Input(str(c["start"]), id="start", type="integer")
                yield Label("end")
                yield Input(str(c["end"]), id="end", type="integer")
                if c["kind"] == "claim":
                    yield Label("quote type")
                    yield Select(
                        [(Text(one_line(q, 20)), q) for q in dict.fromkeys([*QUOTE_TYPES, c["quote_type"]])],
                        value=c["quote_type"],
                        allow_blank=False,
                        id="quote_type",
                    )
                    yield Label("speaker")
                    options: list[tuple[Text, str]] = [(Text("(none)"), "none")] + [
                        (
                            Text(
                                f"{one_line(e['text'], 30)} [{e['start']}:{e['end']}] {one_line(e.get('label', ''), 20)}"
                            ),
                            e["id"],
                        )
                        for e in self.entities
                    ]
                    current = "keep" if c.get("speaker") else "none"
                    if c.get("speaker"):
                        options.insert(0, (Text(f"keep: {one_line(c['speaker'].get('text', ''), 30)}"), "keep"))
                    yield Select(options, value=current, allow_blank=False, id="speaker")
                    yield Label("cue start:end")
                    cue = c.get("cue")
                    yield Input(
                        f"{cue['start']}:{cue['end']}" if cue else "",
                        id="cue",
                        placeholder="e.g. 120:124, empty for none",
                    )
            yield Static(id="edit-preview")
            yield Static(id="edit-error")
            with Horizontal(id="edit-buttons"):
                yield Button(Text(f"Save ({self.keys.show('edit.save')})"), variant="primary", id="save")
                yield Button(Text(f"Cancel ({self.keys.show('edit.cancel')})"), id="cancel")

    def on_mount(self) -> None:
        self._preview()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._preview()

    def _preview(self) -> None:
        try:
            s, e = int(self.query_one("#start", Input).value), int(self.query_one("#end", Input).value)
            shown = Text.assemble(
                ("text: ", "bold"),
                one_line(self.text[s:e], 200) if 0 <= s < e <= len(self.text) else ("(invalid span)", "red"),
            )
        except ValueError:
            shown = Text("(start and end must be numbers)", style="red")
        self.query_one("#edit-preview", Static).update(shown)

    def changes(self) -> dict[str, Any]:
        c = self.cand
        out: dict[str, Any] = {}
        try:
            out["start"] = int(self.query_one("#start", Input).value)
            out["end"] = int(self.query_one("#end", Input).value)
        except ValueError:
            raise ValueError("start and end must be whole numbers") from None
        if c["kind"] == "entity":
            out["label"] = self.query_one("#label", Select).value
        else:
            out["quote_type"] = self.query_one("#quote_type", Select).value
            speaker = self.query_one("#speaker", Select).value
            if speaker == "none":
                out["speaker"] = None
            elif speaker != "keep":
                ent = next(e for e in self.entities if e["id"] == speaker)
                out["speaker"] = {"start": ent["start"], "end": ent["end"], "entity_id": ent["id"], "name": ent["text"]}
            cue = self.query_one("#cue", Input).value.strip()
            if not cue:
                out["cue"] = None
            else:
                try:
                    cs, ce = (int(x) for x in cue.split(":"))
                except ValueError:
                    raise ValueError("cue must be start:end, e.g. 120:124, or empty") from None
                out["cue"] = {"start": cs, "end": ce}
        unchanged = {k for k, v in out.items() if k in ("start", "end", "label", "quote_type") and c.get(k) == v}
        if c["kind"] == "claim" and out.get("cue") is None and c.get("cue") is None:
            unchanged.add("cue")
        if c["kind"] == "claim" and "speaker" in out and out["speaker"] is None and c.get("speaker") is None:
            unchanged.add("speaker")
        if (
            c["kind"] == "claim"
            and out.get("cue")
            and c.get("cue")
            and (out["cue"]["start"], out["cue"]["end"]) == (c["cue"]["start"], c["cue"]["end"])
        ):
            unchanged.add("cue")
        return {k: v for k, v in out.items() if k not in unchanged}

    def action_save(self) -> None:
        error = self.query_one("#edit-error", Static)
        try:
            changes = self.changes()
        except ValueError as err:
            error.update(Text(one_line(err, 300), style="bold red"))
            return
        if not changes:
            self.dismiss(None)
            return
        problem = self.save(changes)
        if problem:
            error.update(Text(one_line(problem, 300), style="bold red"))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def action_page(self, direction: int) -> None:
        """Page keys for an open list (a Select's options), only once it is laid out: in Textual
        8.2.8 an OptionList paged before it has a size raises KeyError (OptionList._move_page)."""
        focused = self.focused
        if isinstance(focused, OptionList) and focused.option_count and focused.scrollable_content_region:
            await focused.run_action("page_down" if direction > 0 else "page_up")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
