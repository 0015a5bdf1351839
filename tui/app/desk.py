"""Other reviewers on screen: each one's version of a candidate, whether the desk disputes it, who is
on which article. Pure functions from the store's dicts to Rich ``Text`` (every name, label and
value went through :func:`~tui.app.text.one_line`); no Textual, so the screens, the detail panel and
the list rows can all call them.

A candidate of a reviewer's view carries ``reviews``: every reviewer's version that stands
(``{reviewer, status, decided_at, adjudication?, chose?, <fields that differ from the model's>}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from ..store.versions import changed_fields, in_dispute, version_key, versions
from .text import STATUS_MARK, field_name, one_line, show_value

Cand = dict[str, Any]

STATUS_STYLE = {"accepted": "green", "edited": "cyan", "added": "magenta", "rejected": "red", "disputed": "bold red"}
DISPUTED_MARK = "⚠"


def possessive(name: str) -> str:
    """ "ben's", but "your" for the reviewer looking (shown as "you")."""
    return "your" if name == "you" else f"{name}'s"


def fields_text(fields: Mapping[str, Any], *, skip: tuple[str, ...] = ("text", "token_start", "token_end")) -> str:
    """``label “ORG” · start 12`` — a version's changes on one line, as values, not Python (the span's
    text and tokens follow from its offsets, so they are left out)."""
    return " · ".join(f"{field_name(k)} {show_value(v)}" for k, v in fields.items() if k not in skip)


def when(stamp: object, *, full: bool = False, day: bool = True) -> str:
    """A stored time (UTC, ``2024-05-01T12:03:11.123+00:00``) as this terminal's local time:
    ``05-01 14:03:11``; with ``full`` ``2024-05-01 14:03:11 CEST``; without ``day`` ``14:03:11`` (QA:
    the screens showed UTC with nothing saying so — an analyst in Kolkata read decisions made "5 hours
    ago" as made now)."""
    text = str(stamp or "")
    try:
        moment = datetime.fromisoformat(text)
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()
    except (ValueError, OverflowError, OSError):
        shown = (f"{text[5:10]} " if day else "") + text[11:19] if len(text) >= 19 else text
        return one_line(shown, 20)
    if full:
        return one_line(local.strftime("%Y-%m-%d %H:%M:%S %Z").strip(), 40)
    return local.strftime("%m-%d %H:%M:%S" if day else "%H:%M:%S")


def review_lines(cand: Cand, me: str, name: Callable[[str], str] | None = None) -> Text:
    """Every reviewer's version, one per line: name (``you`` for ``me``), status, time, changed fields;
    an adjudication says whose version it chose."""
    shown = name or (lambda who: "you" if who == me else one_line(who, 30))
    out = Text()
    for entry in cand.get("reviews") or ():
        if out:
            out.append("\n")
        status = str(entry.get("status", ""))
        who = str(entry.get("reviewer", ""))
        out.append(f"{shown(who):<12} ", style="bold")
        if entry.get("adjudication"):
            out.append("adjudicated ", style="bold magenta")
        out.append(f"{STATUS_MARK.get(status, '?')} {one_line(status, 12)}", style=STATUS_STYLE.get(status, ""))
        out.append(f"  {when(entry.get('decided_at'))}", style="dim")
        if entry.get("chose"):
            out.append(f"  chose {possessive(shown(str(entry['chose'])))} version")
        changes = fields_text(changed_fields(entry))
        if changes:
            out.append(f"  {changes}", style="cyan")
    return out


def differing(cand: Cand) -> str:
    """``3 versions differ``, or ``3 versions, 2 different`` when some of them agree (QA)."""
    kept = versions(cand)
    distinct = len({version_key(r) for r in kept})
    return f"{len(kept)} versions differ" if distinct == len(kept) else f"{len(kept)} versions, {distinct} different"


def desk_line(final: str, cand: Cand, me: str, adjudicate_key: str) -> Text:
    """The desk's view of a candidate in a few words: disputed (and how to settle it: ``adjudicate_key``,
    or "" for a reviewer who may not), agreed, or adjudicated."""
    others = {str(r.get("reviewer")) for r in versions(cand)} - {me}
    adjudicated = [r for r in cand.get("reviews") or () if r.get("adjudication")]
    if final == "disputed":
        return Text.assemble(
            (f"{DISPUTED_MARK} disputed", "bold red"),
            f" — {differing(cand)} "
            + (f"({one_line(adjudicate_key, 12)} adjudicates)" if adjudicate_key else "(a lead settles it)"),
        )
    if adjudicated:
        lead = adjudicated[-1]
        # who did anything since — an undo too (the store says it: an undo has no version to date)
        since = sorted("you" if who == me else one_line(who, 20) for who in lead.get("changed_since") or ())
        return Text.assemble(
            (f"{STATUS_MARK.get(final, '?')} {one_line(final, 12)}", STATUS_STYLE.get(final, "")),
            f" — adjudicated by {one_line(lead.get('reviewer'), 30)}",
            (f" (decided again since: {', '.join(since)})" if since else "", "yellow"),
        )
    if final == "pending":
        return Text("pending — nobody has decided", style="dim")
    who = "you alone" if not others else ("agreed by " + ", ".join(one_line(o, 20) for o in sorted(others)))
    if others and any(r.get("reviewer") == me for r in versions(cand)):
        who += " and you"
    return Text.assemble(
        (f"{STATUS_MARK.get(final, '?')} {one_line(final, 12)}", STATUS_STYLE.get(final, "")), f" — {who}"
    )


def others_mark(cand: Cand, me: str) -> Text | None:
    """A short mark for a list row: how many other reviewers decided this candidate, and whether the
    reviewers' versions differ (``⚠2`` — a disagreement no ruling settles, whether or not ``me`` has
    decided: a lead who has not reviewed the item sees the dispute too; ``+1`` — the versions agree,
    or a lead's ruling stands with no review since). None when nobody else decided it. On a group row:
    ``⚠N`` — N of its mentions are in dispute, else ``+K`` — other reviewers decided its mentions. For
    the row code to call."""
    if cand.get("row") == "group":  # a group row: its mentions' marks, summed up
        seen = [_others({"reviews": reviews}, me) for reviews in cand.get("mention_reviews") or ()]
        disputed = sum(1 for _, differ in seen if differ)
        if disputed:
            return Text(f"{DISPUTED_MARK}{disputed}", style="bold red")  # mentions in dispute
        most = max((n for n, _ in seen), default=0)
        return Text(f"+{most}", style="cyan") if most else None
    n, differ = _others(cand, me)
    if not n:
        return None
    return Text(f"{DISPUTED_MARK}{n}", style="bold red") if differ else Text(f"+{n}", style="cyan")


def _others(cand: Cand, me: str) -> tuple[int, bool]:
    """(how many other reviewers decided ``cand``, whether it is :func:`in_dispute`)."""
    others = [r for r in versions(cand) if r.get("reviewer") != me]
    return len(others), in_dispute(cand)


def present_here(presence: Mapping[str, Mapping[str, Any]], article: str | None, me: str) -> list[str]:
    """The other reviewers who have ``article`` open now, by name."""
    return sorted(who for who, p in presence.items() if who != me and article and p.get("article") == article)


def present_on(presence: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """article -> the reviewers who have it open now."""
    out: dict[str, list[str]] = {}
    for who, p in sorted(presence.items()):
        aid = p.get("article")
        if aid:
            out.setdefault(str(aid), []).append(who)
    return out
