"""The desk's views of one candidate, from every reviewer's history of it.

Pure code over :class:`~.history.History` objects keyed by (reviewer, role); no I/O. A candidate has
one history per reviewer who reviewed it (role ``review``) and one per lead who settled it (role
``adjudication``). The rules:

- a reviewer's own view is their review history's state, else (a lead) their ruling, else pending;
- the *final view* is the adjudication in effect (the latest standing one), else the version every
  reviewer who decided agrees on, else ``disputed``;
- every view lists each reviewer's standing decision under ``reviews``, and a kept version names the
  model's values it changed under ``original``.
"""

from __future__ import annotations

from typing import Any

from extractors.vocabulary import DECIDED

from .history import History, Level, Record, version_key

REVIEW, ADJUDICATION = "review", "adjudication"
Key = tuple[str, str]  # (reviewer, role)
Hists = dict[Key, History]
Cand = dict[str, Any]

VERSION_FIELDS = frozenset(
    {
        "start",
        "end",
        "text",
        "label",
        "token_start",
        "token_end",
        "speaker",
        "cue",
        "quote_type",
        "numbers",
        "hedges",
        "checkworthiness",
    }
)


def standing_step(hist: History) -> Record | None:
    """The record that made a lead's standing ruling stand: her latest step, unless it was an undo —
    then the ruling it brought back (review: after "lena rules, omar rules over her, lena rules again
    and undoes that", the undo's own ``seen`` made lena's first ruling look newer than omar's)."""
    if hist.top is None or not hist.records:
        return None
    last = hist.records[-1]
    return hist.top.record if last.get("action") == "undo" else last


def saw(hists: Hists, key: Key, other: Key) -> bool | None:
    """Whether the standing ruling of ``key`` (a lead's history) was made having seen the standing
    ruling of ``other``: its step's ``seen`` names a record of ``other``'s at or after the step that
    made ``other``'s stand. None when it says nothing (a ruling by a release before ``seen``: then
    the clocks decide, as they did)."""
    hist, them = hists.get(key), hists.get(other)
    if hist is None or them is None:
        return None
    step, theirs = standing_step(hist), standing_step(them)
    if step is None or theirs is None:
        return None
    seen = step.get("seen")
    if not isinstance(seen, dict):
        return None
    named = (seen.get(other[1]) or {}).get(other[0])
    ids = [r.get("id") for r in them.records]
    if named not in ids or theirs.get("id") not in ids:
        return False
    return ids.index(named) >= ids.index(theirs.get("id"))


def seen_by(hists: Hists, me: str) -> dict[str, dict[str, str]]:
    """What a ruling by lead ``me`` made now has seen: every other history's last record, by role and
    reviewer. Ordering rulings and the decisions after them by this, not by the writers' clocks, keeps
    a desk right when a machine's clock is off (QA: a reviewer 10 minutes behind edited a settled item
    and the lead was never told; a later ruling by a lead whose clock was behind lost to an earlier)."""
    out: dict[str, dict[str, str]] = {REVIEW: {}, ADJUDICATION: {}}
    for (who, role), hist in hists.items():
        if hist.records and (who, role) != (me, ADJUDICATION):
            out[role][who] = str(hist.records[-1].get("id"))
    return out


def in_effect(hists: Hists) -> Level | None:
    """The adjudication that settles a candidate, or None: of the leads' standing rulings, the one
    made having seen every other (a later lead's replaces an earlier); between rulings
    that did not see each other (made at once, or by a release before ``seen``), the latest by time."""
    tops = [(key, h.top) for key, h in hists.items() if key[1] == ADJUDICATION and h.top is not None]
    if not tops:
        return None
    if len(tops) > 1:
        current = [(k, top) for k, top in tops if not any(saw(hists, other, k) for other, _ in tops if other != k)]
        tops = current or tops
    return max((top for _, top in tops), key=lambda lv: lv.at)


def standing(hists: Hists) -> bool:
    """Whether any reviewer's decision on a candidate stands (was made and not undone)."""
    return any(h.status != "pending" for h in hists.values())


def own(base: Cand, hists: Hists, who: str) -> Cand:
    """``who``'s view: their review decision, else what they settled as a lead (the state then has
    ``adjudication``), else pending."""
    hist = hists.get((who, REVIEW))
    state = (hist.state(base) if hist is not None else None) or {**base, "status": "pending"}
    judged = hists.get((who, ADJUDICATION))
    if judged is not None and judged.top is not None and state["status"] == "pending":
        state = adjudicated(base, judged.top, hists)
    return state


def reviews_of(base: Cand, hists: Hists) -> list[dict[str, Any]]:
    """Every reviewer's standing decision on the candidate, oldest first (a ruling after the decisions it
    saw): status, time, changed fields
    (and on the ruling the final view follows, ``in_effect``)."""
    out = []
    effective = in_effect(hists)
    saw: dict[int, list[str]] = {}  # id(entry) of a ruling -> the reviewers whose last record it saw
    for (who, role), hist in hists.items():
        top = hist.top
        if top is None or (role == REVIEW and top.status not in DECIDED):
            continue
        entry: dict[str, Any] = {"reviewer": who, "status": top.status, "decided_at": top.at}
        seen = top.record.get("seen") if role == ADJUDICATION else None
        if isinstance(seen, dict):
            looked = seen.get(REVIEW) or {}
            saw[id(entry)] = [
                w
                for (w, r), h in hists.items()
                if r == REVIEW and h.records and looked.get(w) == h.records[-1].get("id")
            ]
        if role == ADJUDICATION:
            entry["adjudication"] = True
            if top is effective:
                entry["in_effect"] = True
            if top.record.get("choose"):
                entry["chose"] = top.record["choose"]
            since = changed_since(top, hists)
            if since:  # (the review screen's panel reads it here: a reviewer's own view has no ruling)
                entry["changed_since"] = since
        values = top.values if not top.added else {}
        entry.update({k: v for k, v in values.items() if base.get(k) != v})
        out.append(entry)
    # by time — but a ruling after every decision it saw, whatever their clocks said (a reviewer's
    # clock ahead listed their review after the ruling that settled it: stop 43's weak item)
    latest = {e["reviewer"]: e["decided_at"] for e in out if not e.get("adjudication")}

    def when(entry: dict[str, Any]) -> tuple[str, int, str]:
        after = [latest[w] for w in saw.get(id(entry), ()) if w in latest]
        return (max([entry["decided_at"], *after]), 1 if entry.get("adjudication") else 0, entry["reviewer"])

    out.sort(key=when)
    return out


def versions(base: Cand, hists: Hists) -> list[tuple[str, Cand]]:
    """Each reviewer's decided version of the candidate, oldest decision first."""
    out = []
    for (who, role), hist in hists.items():
        if role != REVIEW or hist.status not in DECIDED:
            continue
        state = hist.state(base)
        if state is not None:
            out.append((who, state))
    out.sort(key=lambda v: (v[1].get("decided_at") or "", v[0]))
    return out


def final(base: Cand, hists: Hists) -> Cand:
    """The desk's view: the adjudication in effect, else the version all agree on, else disputed."""
    settled = in_effect(hists)
    if settled is not None:
        return adjudicated(base, settled, hists)
    kept = versions(base, hists)
    if not kept:
        return {**base, "status": "pending"}
    if len({version_key(base["kind"], state) for _, state in kept}) > 1:
        return {**base, "status": "disputed"}
    who, first = kept[0]
    state = {**first}
    if state["status"] != "rejected":
        state["status"] = "added" if base.get("origin") in ("analyst", "memory") else None
    state = with_original(state, base)
    state["reviewer"] = who
    state["decided_at"] = first.get("decided_at")
    return state


def adjudicated(base: Cand, top: Level, hists: Hists) -> Cand:
    """The candidate as an adjudication settled it."""
    state = {**base, **top.values, "status": top.status}
    state["reviewer"], state["decided_at"] = top.record["reviewer"], top.at
    state["adjudication"] = {
        "reviewer": top.record["reviewer"],
        "decided_at": top.at,
        "chose": top.record.get("choose"),
    }
    since = changed_since(top, hists)
    if since:  # the versions it chose between are not the versions any more: said, not hidden
        state["adjudication"]["changed_since"] = since
    return with_original(state, base)


def changed_since(top: Level, hists: Hists) -> list[str]:
    """The reviewers who did anything after the ruling ``top`` — an undo too, which brings back an
    older decision or none (QA: undoing the very version the ruling chose went unsaid): those whose
    last record is not the one the ruling saw (by time, for a ruling that does not say what it saw)."""
    seen = top.record.get("seen")
    if isinstance(seen, dict):
        saw_reviews = seen.get(REVIEW) or {}
        return sorted(
            w
            for (w, role), h in hists.items()
            if role == REVIEW and h.records and saw_reviews.get(w) != h.records[-1].get("id")
        )
    return sorted(
        w
        for (w, role), h in hists.items()
        if role == REVIEW and h.records and str(h.records[-1].get("at") or "") > top.at
    )


def with_original(state: Cand, base: Cand) -> Cand:
    """Fill in ``original`` (the changed fields' values as the model — or, for an addition, whoever
    added it — made them) and the status a kept version has."""
    state.pop("original", None)
    original = {k: base.get(k) for k in VERSION_FIELDS if k in state and state.get(k) != base.get(k)}
    if original:
        state["original"] = original
    if state.get("status") is None:
        state["status"] = "edited" if state.get("original") else "accepted"
    return state
