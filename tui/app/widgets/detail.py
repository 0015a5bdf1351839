"""The detail panel for the current candidate: every field, offsets, model, numbers, history.

Every value shown came from outside (labels, names, ids, models, reviewers): each goes through
:func:`~tui.app.text.one_line`, as Rich ``Text``.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..desk import desk_line, review_lines
from ..text import STATUS_MARK, Palette, label_color, one_line

Cand = dict[str, Any]


def _ref(ref: dict[str, Any] | None) -> Text:
    if not ref:
        return Text("—", style="dim")
    return Text(f"{one_line(ref.get('text', ''), 60)}  [{one_line(ref.get('start'))}:{one_line(ref.get('end'))}]")


def detail(
    cand: Cand | None,
    history: list[dict[str, Any]],
    legend: list[tuple[str, str]] | None = None,
    palette: Palette | None = None,
    *,
    empty: str = "No candidate here.",
    final: str | None = None,
    me: str = "",
    adjudicate_key: str = "J",
) -> RenderableType:
    """The panel for ``cand``; ``legend`` is the relabel keys in force as (key, label) pairs.
    ``final``: the desk's status of the candidate (shown with every reviewer's version when others
    decided it too; ``me`` is this reviewer)."""
    if cand is None:
        return Text(empty, style="dim")

    def label_style(label: str) -> str:
        return str(palette.label(label)) if palette else label_color(label)

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    status = str(cand.get("status", "pending"))
    by = ""
    if cand.get("reviewer"):
        by = f" by {one_line(cand['reviewer'], 40)} at {one_line(str(cand.get('decided_at', ''))[:19], 19)}"
    grid.add_row("status", Text(f"{STATUS_MARK.get(status, '')} {one_line(status, 20)}{by}"))
    if final is not None and (final == "disputed" or any(r.get("reviewer") != me for r in cand.get("reviews") or ())):
        grid.add_row("desk", desk_line(final, cand, me, adjudicate_key))
        grid.add_row("reviews", review_lines(cand, me))
    if cand["kind"] == "entity":
        label = str(cand.get("label", ""))
        grid.add_row("label", Text(one_line(label, 40), style=label_style(label)))
    else:
        grid.add_row(
            "quote",
            Text(
                f"{one_line(cand.get('quote_type', ''), 20)}   check-worthiness {cand.get('checkworthiness') or 0:.2f}"
            ),
        )
        speaker = cand.get("speaker")
        name = Text()
        if speaker:
            name = _ref(speaker)
            if speaker.get("name") and speaker["name"] != speaker.get("text"):
                name.append(f"  → {one_line(speaker['name'], 40)}", style="bold")
        # a cue with no speaker is a passive or impersonal report ("is believed to …"): a source exists, unnamed
        no_speaker = "— (source not named)" if cand.get("cue") else "— (unattributed)"
        grid.add_row("speaker", name if speaker else Text(no_speaker, style="dim"))
        grid.add_row("cue", _ref(cand.get("cue")))
        nums = cand.get("numbers") or []
        grid.add_row("numbers", Text(", ".join(one_line(n.get("text", ""), 30) for n in nums) or "—"))
        hedges = cand.get("hedges") or []
        if hedges:
            grid.add_row("hedges", Text(", ".join(one_line(h.get("text", ""), 30) for h in hedges), style="yellow"))
    grid.add_row("text", Text(one_line(cand["text"], 400)))
    tokens = ""
    if cand.get("token_start") is not None:
        tokens = f"  tokens {one_line(cand['token_start'])}:{one_line(cand.get('token_end'))}"
    grid.add_row("offsets", Text(f"{cand['start']}:{cand['end']}{tokens}"))
    grid.add_row(
        "origin",
        Text(
            f"{one_line(cand.get('origin'), 20)}  {one_line(cand.get('model') or '', 60)}  id {one_line(cand['id'], 60)}"
        ),
    )
    if cand.get("original"):
        grid.add_row(
            "original",
            Text(one_line(", ".join(f"{one_line(k, 20)}={_short(v)}" for k, v in cand["original"].items()), 200)),
        )
    if history:
        hist = Text()
        for h in history[-6:]:
            secs = f" {h['seconds']:.1f}s" if isinstance(h.get("seconds"), int | float) else ""
            hist.append(
                f"{one_line(str(h.get('at', ''))[11:19], 8)} {one_line(h.get('reviewer', ''), 30)}: "
                f"{one_line(h.get('action', ''), 12)}{secs}\n"
            )
        grid.add_row("history", hist)
    if cand["kind"] == "entity" and legend:
        line = Text("relabel: ")
        for key, label in legend:
            line.append(one_line(key, 12), style="bold")
            line.append(f" {one_line(label, 20)}  ", style=label_style(label))
        return Group(grid, line)
    return grid


def _short(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:
        return repr(one_line(value["text"], 30))
    return one_line(repr(value) if not isinstance(value, str) else repr(one_line(value, 30)), 40)
