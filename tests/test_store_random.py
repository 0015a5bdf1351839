"""Random desks on the store itself: thousands of seeded random calls — decisions, relabels, span
edits, additions (and edits and rejections of them), undo and redo, group decisions, suggestions
confirmed, rulings by a lead, label sets changed — by three reviewers on one folder store, each
through a store of their own (so that each also reads what the others wrote).

After every call, for every reviewer's store: each article's (decided, total) — counted
incrementally from cached summaries — is what that reviewer's candidates in the label set say,
and the store's totals are their sums; and a reader's final view agrees with its own counts. The
random walk of the keys (``test_keys_random.py``) once failed on exactly this in CI; this drives the
store's side of it far harder, without the timing of a screen.

NEWSREVIEW_RANDOM_SEED=<n> varies the walk; NEWSREVIEW_STORE_STEPS=<n> sets its length (default 1,500).
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
from app_support import several_store

from extractors.vocabulary import DECIDED
from tui.store import ReviewStore
from tui.store.errors import StoreError

SEED = int(os.environ.get("NEWSREVIEW_RANDOM_SEED", "20240611"))
STEPS = int(os.environ.get("NEWSREVIEW_STORE_STEPS", "1500"))
LABELS = ["PERSON", "GPE", "ORG", "LOC", "DATE"]
REVIEWERS = ["rand", "bo", "lena"]


def counts_agree(store: ReviewStore) -> None:
    decided_all = total_all = 0
    for aid in store.article_ids():
        cands = [c for c in store.candidates(aid) if store.in_scope(c)]
        decided = sum(1 for c in cands if c.get("status") in DECIDED)
        got = store.progress(aid)
        assert got == (decided, len(cands)), (
            f"{store.reviewer} on {aid}: progress {got}, candidates say {(decided, len(cands))}; "
            f"labels {store.labels}; "
            + "; ".join(
                f"{c['id']} {c['kind']} {c.get('label')} orig={c.get('original')} {c['status']} "
                f"{c.get('origin')} in={store.in_scope(c)}"
                for c in store.candidates(aid)
            )
        )
        decided_all += decided
        total_all += len(cands)
    assert store.totals() == (decided_all, total_all)


def random_call(rng: random.Random, store: ReviewStore) -> str:
    """One random call as ``store``'s reviewer; returns what it was (refusals are fine)."""
    aids = store.article_ids()
    aid = rng.choice(aids[:2] + aids[:1])  # mostly the first article, where the others decide too
    cands = [c for c in store.candidates(aid) if c["status"] != "removed"]
    text = store.article(aid)["text"]
    roll = rng.random()
    what = "nothing"
    try:
        if roll < 0.08:
            what = "undo"
            store.undo_last()
        elif roll < 0.12:
            what = "redo"
            store.redo_last()
        elif roll < 0.16:
            what = "labels"
            choice = rng.choice([None, LABELS[:2], LABELS[1:4], ["PERSON"], LABELS])
            store.set_labels(choice)
        elif roll < 0.24:
            what = "add entity"
            words = [(i, i + len(w)) for i, w in _words(text)]
            start, end = rng.choice(words)
            if rng.random() < 0.3:
                end = rng.choice([e for s, e in words if e > start][:3])
            store.add_candidate(aid, {"kind": "entity", "start": start, "end": end, "label": rng.choice(LABELS)})
        elif roll < 0.28:
            what = "group"
            groups = store.groups(aid)
            if groups:
                gid = rng.choice(sorted(groups))
                action = rng.choice(["accept", "reject", "edit"])
                store.decide_group(aid, gid, action, label=rng.choice(LABELS) if action == "edit" else None)
        elif roll < 0.31:
            what = "confirm suggestions"
            store.confirm_suggestions(aid)
        elif roll < 0.38 and cands:
            what = "adjudicate"
            cand = rng.choice(cands)
            others = [r["reviewer"] for r in cand.get("reviews", []) if not r.get("adjudication")]
            if others and rng.random() < 0.6:
                store.adjudicate(aid, cand["id"], choose=rng.choice(others))
            else:
                store.adjudicate(aid, cand["id"], action=rng.choice(["accept", "reject"]))
        elif roll < 0.41:
            what = "undo ruling"
            store.undo_last(adjudications=True)
        elif cands:
            cand = rng.choice(cands)
            action = rng.choice(["accept", "reject", "edit", "edit"])
            changes: dict[str, Any] | None = None
            if action == "edit" and cand["kind"] == "entity":
                if rng.random() < 0.6:
                    changes = {"label": rng.choice(LABELS)}
                else:
                    words = [(i, i + len(w)) for i, w in _words(text) if i <= cand["start"] < i + len(w) + 20]
                    start, end = rng.choice(words or [(cand["start"], cand["end"])])
                    changes = {"start": start, "end": max(end, cand["end"])}
            elif action == "edit":
                changes = {"quote_type": rng.choice(["direct", "indirect", "none"])}
            what = f"{action} {cand['id']} {changes}"
            store.decide_as_shown(aid, cand["id"], action, changes=changes)
    except StoreError:
        pass
    return what


def _words(text: str) -> list[tuple[int, str]]:
    out, i = [], 0
    for word in text.split():
        i = text.index(word, i)
        out.append((i, word.strip(".,")))
        i += len(word)
    return [(i, w) for i, w in out if w]


@pytest.mark.parametrize("part", [0, 1])
def test_random_desk_calls_keep_every_count_true(tmp_path: Path, part: int) -> None:
    rng = random.Random(f"{SEED}-store-{part}")
    several_store(tmp_path / "s").close()
    stores = {who: ReviewStore.open(tmp_path / "s", write=True, reviewer=who) for who in REVIEWERS}
    stores["rand"].set_leads(["rand", "lena"])
    reader = ReviewStore.open(tmp_path / "s")
    try:
        log: list[str] = []
        for step in range(STEPS):
            who = rng.choice(REVIEWERS)
            log.append(f"{step} {who}: {random_call(rng, stores[who])}")
            if step % 5 == 0 or step == STEPS - 1:
                for store in [*stores.values(), reader]:
                    store.refresh()
                    try:
                        counts_agree(store)
                    except AssertionError as err:
                        raise AssertionError(f"{err}\nafter:\n" + "\n".join(log[-12:])) from None
    finally:
        for store in [*stores.values(), reader]:
            store.close()
