"""Assigning articles from the app (a lead's dialog): team names, overlap, lease — what
``newsreview assign`` does, through :meth:`~tui.store.ReviewStore.assign`, with the result shown."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...store import StoreError
from ...store.assign import check_lease
from ..bindings import ASSIGN, Keys
from ..text import one_line
from ..widgets.footer import DialogFooter
from .dialogs import DialogScroll
from .once import ClosesOnce

if TYPE_CHECKING:
    from ...store import ReviewStore


def parse_team(text: str) -> list[str]:
    """``alice, bob  carol`` → the names, in order, once each (commas separate; names may hold spaces)."""
    parts = text.split(",") if "," in text else text.split()
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def summary(plan: dict[str, list[str]], lease: float) -> str:
    """What an assignment did, in one line per reviewer."""
    if not plan:
        return "Every article is assigned already: nothing changed."
    load = Counter(name for names in plan.values() for name in names)
    lines = [f"Assigned {len(plan)} article{'s' if len(plan) != 1 else ''} (lease {lease:g} h):"]
    lines += [f"  {one_line(name, 40)}: {n}" for name, n in sorted(load.items())]
    return "\n".join(lines)


class AssignDialog(ClosesOnce, ModalScreen[dict[str, list[str]] | None]):
    """enter in any field assigns; the result replaces the form; escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = list(ASSIGN)

    def __init__(self, store: ReviewStore, keys: Keys) -> None:
        super().__init__()
        self.store = store
        self.keys = keys
        self.plan: dict[str, list[str]] | None = None

    def compose(self) -> ComposeResult:
        ids = self.store.article_ids()
        open_ = sum(1 for aid in ids if not self.store.assignments.assignees(aid))
        team = [r for r in self.store.reviewers() if r]
        with DialogScroll(classes="dialog", id="assign"):  # QA: at 80x24 its foot was cut off, not scrolled
            yield Static(Text("Assign articles to a team", style="bold"))
            yield Static(
                Text(
                    f"{len(ids)} articles, {open_} not assigned yet. Each of those gets OVERLAP reviewers of "
                    "the team, the least loaded first (the same team always gives the same plan); articles "
                    "already assigned keep their reviewers. An assignee who has not started an article within "
                    "the lease can be relieved: whoever decides on it next takes it over.",
                    style="dim",
                )
            )
            with Grid(id="assign-grid"):
                yield Label("team")
                yield Input(", ".join(team), placeholder="alice, bob, carol", id="assign-team")
                yield Label("overlap")
                yield Input("2" if len(team) >= 2 else "1", placeholder="reviewers per article", id="assign-overlap")
                yield Label("lease (hours)")
                yield Input("24", placeholder="hours", id="assign-lease")
            yield Static(id="assign-result")
            yield Static(
                Text(f"enter assigns  ·  {self.keys.show('assign.close')} closes", style="dim"), id="assign-hint"
            )
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#assign-team", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter assigns once: after that only escape closes (review: a double Enter recorded the plan
        and closed the dialog before the lead saw who got what)."""
        return not (action == "submit" and self.plan is not None)

    @on(Input.Submitted)
    def action_submit(self) -> None:  # (Enter, a priority binding: shown in the footer)
        if self.plan is not None:
            return
        result = self.query_one("#assign-result", Static)
        self.call_after_refresh(result.scroll_visible, animate=False)  # what it says, in view at 80x24
        if not self.store.article_ids():
            result.update(Text("the store has no articles yet: add some first", style="bold red"))
            return
        team = parse_team(self.query_one("#assign-team", Input).value)
        if not team:
            result.update(Text("name at least one reviewer (commas between names)", style="bold red"))
            return
        try:
            overlap = int(self.query_one("#assign-overlap", Input).value.strip())
        except ValueError:
            result.update(Text("overlap: a whole number of reviewers per article, e.g. 2", style="bold red"))
            return
        try:
            lease = check_lease(float(self.query_one("#assign-lease", Input).value.strip()))
        except ValueError:
            result.update(Text("lease: a number of hours above 0, e.g. 24", style="bold red"))
            return
        try:
            plan = self.store.assign(team, overlap=overlap, lease_hours=lease)
        except (StoreError, ValueError) as err:
            result.update(Text(one_line(str(err), 300), style="bold red"))
            return
        self.plan = plan
        for box in self.query(Input):
            box.disabled = True
        result.update(Text(summary(plan, lease), style="bold green"))
        self.query_one("#assign-hint", Static).update(Text(f"{self.keys.show('assign.close')} closes", style="dim"))
        self.notify(summary(plan, lease).splitlines()[0], markup=False, timeout=6)
        self.refresh_bindings()  # the footer: Enter no longer assigns

    def action_close(self) -> None:
        self.dismiss(self.plan)
