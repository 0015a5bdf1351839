"""The ``newsreview status`` table (Rich)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

STATUS_ORDER = ("pending", "accepted", "edited", "added", "rejected")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def status_table(summary: dict[str, Any]) -> Table:
    table = Table(title="newsreview store", show_header=False, title_justify="left")
    table.add_column("")
    table.add_column("")
    table.add_row("store", Text(summary["path"]))
    table.add_row("size", human_size(summary["size"]))
    table.add_row("articles", str(summary["articles"]))
    decided, total = summary["decided"], summary["total"]
    pct = f" ({100 * decided / total:.0f}%)" if total else ""
    table.add_row("reviewed", f"{decided} of {total} candidates{pct}")
    for kind in ("entity", "claim"):
        counts = summary["candidates"].get(kind, {})
        parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
        table.add_row(f"{kind} candidates", ", ".join(parts) or "none")
    reviewers = summary["reviewers"]
    table.add_row(
        "reviewers", Text(", ".join(f"{name} ({n} decisions)" for name, n in sorted(reviewers.items())) or "nobody yet")
    )
    table.add_row("decisions", str(summary["decisions"]))
    table.add_row("last activity", summary["last_activity"] or "never")
    return table
