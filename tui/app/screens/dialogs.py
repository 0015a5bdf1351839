"""Modal dialogs: confirm, label picker, and the edit dialog (validation messages from the store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ..text import label_color, one_line


class Confirm(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "no", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question, style="bold"))
            yield Static(Text("y / enter: yes    n / escape: no", style="dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class LabelPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str((i + 1) % 10), f"pick({i})", show=False, id=f"labels.pick_{i + 1}") for i in range(10)],
        Binding("escape", "pick(-1)", "cancel", id="labels.cancel"),
    ]

    def __init__(self, text: str, labels: list[str]) -> None:
        super().__init__()
        self.text = text
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text.assemble(("New entity: ", "bold"), (self.text, "reverse")))
            legend = Text()
            for i, label in enumerate(self.labels[:10]):
                legend.append(f" {(i + 1) % 10} ", style="bold reverse")
                legend.append(f" {label}\n", style=label_color(label))
            yield Static(legend)
            yield Static(Text("press a number; escape cancels", style="dim"))

    def action_pick(self, i: int) -> None:
        self.dismiss(self.labels[i] if 0 <= i < len(self.labels) else None)


class EditDialog(ModalScreen[None]):
    """Edit every field of a candidate; saving records one `edit` decision (the original is kept)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="edit.cancel"),
        Binding("ctrl+s", "save", "save", id="edit.save"),
    ]

    def __init__(
        self,
        cand: dict[str, Any],
        text: str,
        entities: list[dict[str, Any]],
        labels: list[str],
        save: Callable[[dict[str, Any]], str | None],
    ) -> None:
        super().__init__()
        self.cand = cand
        self.text = text
        self.entities = sorted(entities, key=lambda e: e["start"])
        self.labels = labels
        self.save = save

    def compose(self) -> ComposeResult:
        c = self.cand
        with Vertical(classes="dialog", id="edit-dialog"):
            yield Static(
                Text.assemble(("Edit ", "bold"), (c["kind"], "bold"), ": ", (one_line(c["text"], 70), "reverse"))
            )
            with Grid(id="edit-grid"):
                if c["kind"] == "entity":
                    yield Label("label")
                    options = [(lab, lab) for lab in dict.fromkeys([*self.labels, c["label"]])]
                    yield Select(options, value=c["label"], allow_blank=False, id="label")
                yield Label("start")
                yield Input(str(c["start"]), id="start", type="integer")
                yield Label("end")
                yield Input(str(c["end"]), id="end", type="integer")
                if c["kind"] == "claim":
                    yield Label("quote type")
                    yield Select(
                        [(q, q) for q in ("direct", "indirect", "mixed", "none")],
                        value=c["quote_type"],
                        allow_blank=False,
                        id="quote_type",
                    )
                    yield Label("speaker")
                    options = [("(none)", "none")] + [
                        (f"{one_line(e['text'], 30)} [{e['start']}:{e['end']}] {e['label']}", e["id"])
                        for e in self.entities
                    ]
                    current = "keep" if c.get("speaker") else "none"
                    if c.get("speaker"):
                        options.insert(0, (f"keep: {one_line(c['speaker']['text'], 30)}", "keep"))
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
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (escape)", id="cancel")

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
            error.update(Text(str(err), style="bold red"))
            return
        if not changes:
            self.dismiss(None)
            return
        problem = self.save(changes)
        if problem:
            error.update(Text(problem, style="bold red"))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
