"""The ``newsreview status`` table (Rich). Every value from outside is sanitised."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from extractors.vocabulary import FINAL_STATUSES

from .sanitize import clean_line

STATUS_ORDER = FINAL_STATUSES


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
    table.add_row("store", Text(f"{clean_line(summary['path'])} ({summary['engine']})"))
    if summary.get("server"):
        table.add_row("server", Text(clean_line(summary["server"])))
    table.add_row("size", human_size(summary["size"]) + (" (its tables)" if summary.get("server") else ""))
    table.add_row(
        "articles",
        str(summary["articles"]) + (f" ({summary['removed']} removed by doctor)" if summary.get("removed") else ""),
    )
    decided, total = summary["decided"], summary["total"]
    pct = f" ({100 * decided / total:.0f}%)" if total else ""
    table.add_row("reviewed", f"{decided} of {total} candidates{pct} in the desk's final view")
    for kind in ("entity", "claim"):
        counts = summary["candidates"].get(kind, {})
        parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
        table.add_row(f"{kind} candidates", ", ".join(parts) or "none")
    if summary.get("disputed"):
        table.add_row(
            "disputed", Text(f"{summary['disputed']} (settle with 'newsreview review --adjudicate')", style="yellow")
        )
    reviewers = summary["reviewers"]
    shown = ", ".join(
        f"{clean_line(name, 64)} ({r['decisions']} decisions, {r['decided']} decided)"
        for name, r in sorted(reviewers.items())
    )
    table.add_row("reviewers", Text(shown or "nobody yet"))
    if summary.get("assigned"):
        table.add_row("assigned", f"{summary['assigned']} article(s)")
    if summary.get("labels"):
        table.add_row("label set", Text(clean_line(", ".join(summary["labels"]), 200)))
    if summary.get("models"):
        from .training.models import held_out_line

        for record in summary["models"][-3:]:
            where = clean_line(record["model"], 80) + ("" if record.get("exists") else " (folder gone)")
            table.add_row("trained model", Text(f"{where}: {clean_line(held_out_line(record), 160)}"))
    table.add_row("decisions", str(summary["decisions"]))
    table.add_row("last activity", Text(clean_line(summary["last_activity"] or "never", 40)))
    return table
