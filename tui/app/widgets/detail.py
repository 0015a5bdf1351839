"""The detail panel for the current candidate: every field, offsets, model, numbers, history."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..text import STATUS_MARK, label_color, one_line


def _ref(ref: dict[str, Any] | None) -> Text:
    if not ref:
        return Text("—", style="dim")
    return Text(f"{one_line(ref['text'], 60)}  [{ref['start']}:{ref['end']}]")


def detail(cand: dict[str, Any] | None, history: list[dict[str, Any]], labels: list[str]) -> Any:
    if cand is None:
        return Text("No candidate here. Press v to select text and add one, or n for the next article.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    status = cand.get("status", "pending")
    grid.add_row(
        "status",
        Text(
            f"{STATUS_MARK.get(status, '')} {status}"
            + (f" by {cand['reviewer']} at {cand['decided_at'][:19]}" if cand.get("reviewer") else "")
        ),
    )
    if cand["kind"] == "entity":
        grid.add_row("label", Text(cand["label"], style=label_color(cand["label"])))
    else:
        grid.add_row("quote", Text(f"{cand['quote_type']}   check-worthiness {cand.get('checkworthiness', 0):.2f}"))
        speaker = cand.get("speaker")
        name = Text()
        if speaker:
            name = _ref(speaker)
            if speaker.get("name") and speaker["name"] != speaker["text"]:
                name.append(f"  → {one_line(speaker['name'], 40)}", style="bold")
        # a cue with no speaker is a passive or impersonal report ("is believed to …"): a source exists, unnamed
        no_speaker = "— (source not named)" if cand.get("cue") else "— (unattributed)"
        grid.add_row("speaker", name if speaker else Text(no_speaker, style="dim"))
        grid.add_row("cue", _ref(cand.get("cue")))
        nums = cand.get("numbers") or []
        grid.add_row("numbers", Text(", ".join(one_line(n["text"], 30) for n in nums) or "—"))
        hedges = cand.get("hedges") or []
        if hedges:
            grid.add_row("hedges", Text(", ".join(one_line(h["text"], 30) for h in hedges), style="yellow"))
    grid.add_row("text", Text(one_line(cand["text"], 400)))
    grid.add_row(
        "offsets",
        Text(
            f"{cand['start']}:{cand['end']}"
            + (f"  tokens {cand['token_start']}:{cand['token_end']}" if cand.get("token_start") is not None else "")
        ),
    )
    grid.add_row("origin", Text(f"{cand.get('origin')}  {cand.get('model') or ''}  id {cand['id']}"))
    if cand.get("original"):
        grid.add_row(
            "original", Text(one_line(", ".join(f"{k}={_short(v)}" for k, v in cand["original"].items()), 200))
        )
    if history:
        hist = Text()
        for h in history[-6:]:
            secs = f" {h['seconds']:.1f}s" if h.get("seconds") is not None else ""
            hist.append(f"{h['at'][11:19]} {h['reviewer']}: {h['action']}{secs}\n")
        grid.add_row("history", hist)
    if cand["kind"] == "entity":
        legend = Text("relabel: ")
        for i, label in enumerate(labels[:10]):
            legend.append(f"{(i + 1) % 10}", style="bold")
            legend.append(f" {label}  ", style=label_color(label))
        return Group(grid, legend)
    return grid


def _short(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:
        return repr(one_line(value["text"], 30))
    return repr(value) if not isinstance(value, str) else repr(one_line(value, 30))
