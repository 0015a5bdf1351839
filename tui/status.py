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


def desk_line(desk: dict[str, Any]) -> str:
    """The desk's correction of check-worthiness: what it learnt, and its held-out figure (each claim
    decision predicted before the model learnt from it) against the extractor's own score."""
    if not desk["decisions"]:
        return "no claim decisions yet: claims keep the extractor's check-worthiness"
    n = desk["decisions"]
    line = f"learnt from {n} claim decision{'' if n == 1 else 's'} (trust in its features {desk['trust']:.2f})"
    if desk.get("log_loss") is not None:
        line += (
            # (predictions of decisions undone since count too: QA read "learnt from 36 … last 49")
            f"; on its last {desk['window']} predictions (undone decisions too): log loss "
            f"{desk['log_loss']:.3f} vs the extractor's {desk['log_loss_extractor']:.3f}"
        )
    if desk.get("average_precision") is not None:
        line += f", AP {desk['average_precision']:.3f} vs {desk['average_precision_extractor']:.3f}"
    return line


def reviewer_counts(r: dict[str, Any]) -> str:
    """ "4 decisions, 4 decided"; a lead's settled items as "2 adjudicated" (and no "0 decided")."""
    parts = [f"{r['decisions']} decision{'' if r['decisions'] == 1 else 's'}"]
    if r["decided"] or not r.get("adjudicated"):
        parts.append(f"{r['decided']} decided")
    if r.get("adjudicated"):
        parts.append(f"{r['adjudicated']} adjudicated")
    return ", ".join(parts)


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
    damaged = summary.get("damaged_articles") or []
    if damaged:
        shown = ", ".join(clean_line(a, 40) for a in damaged[:5]) + (" …" if len(damaged) > 5 else "")
        table.add_row(
            "damaged",
            Text(
                f"{len(damaged)} article file{'' if len(damaged) == 1 else 's'} missing, not a file or damaged ({shown}): "
                "run 'newsreview doctor'",
                style="bold red",
            ),
        )
    decided, total = summary["decided"], summary["total"]
    pct = f" ({100 * decided / total:.0f}%)" if total else ""
    table.add_row("reviewed", f"{decided} of {total} candidates{pct} in the desk's final view")
    for kind in ("entity", "claim"):
        counts = summary["candidates"].get(kind, {})
        parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
        table.add_row(f"{kind} candidates", ", ".join(parts) or "none")
    disputed, again = summary.get("disputed") or 0, summary.get("reopened") or 0
    if disputed or again:
        also = f", and {again} settled item{'' if again == 1 else 's'} decided again since the ruling" if again else ""
        table.add_row(
            "disputed", Text(f"{disputed}{also} (settle with 'newsreview review --adjudicate')", style="yellow")
        )
    reviewers = summary["reviewers"]
    shown = ", ".join(f"{clean_line(name, 64)} ({reviewer_counts(r)})" for name, r in sorted(reviewers.items()))
    table.add_row("reviewers", Text(shown or "nobody yet"))
    leads = summary.get("leads")
    table.add_row(
        "leads",
        Text(clean_line(", ".join(leads), 200) if leads else "anyone (no leads named: 'newsreview leads NAMES')"),
    )
    if summary.get("assigned"):
        table.add_row("assigned", f"{summary['assigned']} article(s)")
    if summary.get("labels"):
        table.add_row("label set", Text(clean_line(", ".join(summary["labels"]), 200)))
    if summary.get("models"):
        from .training.models import held_out_line

        for record in summary["models"][-3:]:
            where = clean_line(record["model"], 80)
            if not record.get("exists"):
                where += " (folder gone)"
            elif record.get("replaced"):
                where += " (replaced: the folder holds another model now; this figure was the earlier one's)"
            table.add_row("trained model", Text(f"{where}: {clean_line(held_out_line(record), 160)}"))
    again = summary.get("reextracted")
    if again:
        last = again["last"]
        model = f" with {clean_line(last['model'], 80)}" if last.get("model") else ""
        table.add_row(
            "re-extracted",
            Text(
                f"{again['articles']} article(s); the last {clean_line(str(last.get('at') or '?'), 40)} "
                f"by {clean_line(str(last.get('by') or '?'), 64)}{model}"
            ),
        )
    if summary.get("desk_correction"):
        table.add_row("desk correction", desk_line(summary["desk_correction"]))
    table.add_row("decisions", str(summary["decisions"]))
    table.add_row("last activity", Text(clean_line(summary["last_activity"] or "never", 40)))
    return table
