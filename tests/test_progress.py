"""Progress counts: the pure rules (label scope, a reviewer's or the final view) and the incremental sums."""

from __future__ import annotations

from tui.store.progress import Tally, count

ENTRY = {
    "decided": {"ann": {"PERSON": 2, "DATE": 1, "*claim": 1}, "bob": {"PERSON": 1}},
    # what each own view shows decided: the reviews, and a lead's rulings where she made no review
    "done": {"ann": {"PERSON": 2, "DATE": 1, "*claim": 1}, "bob": {"PERSON": 1}, "lia": {"PERSON": 1}},
    "final": {"PERSON": {"accepted": 1, "disputed": 1}, "DATE": {"rejected": 1}, "*claim": {"edited": 1}},
    "alive": {"PERSON": 1},  # one addition still alive
}
MODEL = {"PERSON": 3, "DATE": 2, "*claim": 2}


def test_a_reviewer_counts_their_own_decisions_and_the_label_set_restricts_both_sides():
    assert count(MODEL, ENTRY, lambda k: True, "ann") == (4, 8)
    assert count(MODEL, ENTRY, lambda k: k != "DATE", "ann") == (3, 6)
    assert count(MODEL, ENTRY, lambda k: True, "carol") == (0, 8)
    assert count(MODEL, ENTRY, lambda k: True, "lia") == (1, 8)  # a lead who settled one, reviewed none


def test_the_final_view_counts_decided_statuses_not_disputed_ones():
    assert count(MODEL, ENTRY, lambda k: True, None) == (3, 8)
    assert count(MODEL, None, lambda k: True, None) == (0, 7)


def test_sums_follow_marks_and_removals():
    figures = {"a": (1, 4), "b": (0, 2)}
    tally = Tally(lambda aid: figures[aid], lambda aid: aid in figures)
    tally.mark_all(figures)
    assert tally.totals() == (1, 6)
    figures["a"] = (3, 4)
    assert tally.totals() == (1, 6)  # not marked: not recounted
    tally.mark("a")
    assert tally.of("a") == (3, 4) and tally.totals() == (3, 6)
    tally.drop("b")
    del figures["b"]
    tally.mark("b")  # a mark on an article that is gone is ignored
    assert tally.totals() == (3, 4)


def test_a_summary_kept_up_by_candidate_equals_one_counted_afresh(tmp_path):
    """The status line asks for the article's summary after every key; a decision recounts only its
    own candidate's share. Random decisions of two reviewers, additions, undos, relabels, a lead's
    adjudication and another process's decisions (refresh): after each, the kept summary is the one
    counted afresh."""
    import random

    from tui.store import ReviewStore

    from support import make_extraction

    text = "Ben Wallace met Olaf Scholz in Berlin on Tuesday. Russia lost 100,000 troops, Wallace said."
    ex = make_extraction(
        text,
        [
            ("Ben Wallace", "PERSON"),
            ("Olaf Scholz", "PERSON"),
            ("Berlin", "GPE"),
            ("Tuesday", "DATE"),
            ("Russia", "GPE"),
        ],
        ["Russia lost 100,000 troops"],
    )
    rng = random.Random(5)
    with (
        ReviewStore.open(tmp_path / "s", write=True, reviewer="ann") as ann,
        ReviewStore.open(tmp_path / "s", write=True, reviewer="bob") as bob,
    ):
        _, aid = ann.add_article(ex)
        bob.refresh()
        for step in range(160):
            st = ann if rng.random() < 0.6 else bob
            cands = [c for c in st.candidates(aid, plain=True) if c["status"] != "removed"]
            roll = rng.random()
            try:
                if roll < 0.08:
                    word = rng.choice(["met", "lost", "troops", "said"])
                    s = text.index(word)
                    st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + len(word), "label": "ORG"})
                elif roll < 0.2:
                    st.undo_last()
                elif roll < 0.3:
                    ents = [c for c in cands if c["kind"] == "entity"]
                    st.decide(aid, rng.choice(ents)["id"], "edit", changes={"label": rng.choice(["ORG", "NORP"])})
                elif roll < 0.35 and st is ann:
                    disputed = ann.disputed(aid)
                    if disputed:
                        ann.adjudicate(aid, disputed[0], action="accept")
                else:
                    st.decide(aid, rng.choice(cands)["id"], rng.choice(["accept", "reject", "undo", "redo"]))
            except Exception as err:  # an undo with nothing to undo and the like: refused, nothing changed
                assert type(err).__name__ in ("DecisionError", "NothingChanged", "Unchanged", "StoreError"), err
            other = bob if st is ann else ann
            other.refresh()
            for store in (ann, bob):
                kept = store._summary_of(aid)
                assert aid in store._entry_parts  # kept up by candidate, not counted afresh
                assert kept == store._summed(aid)[0], step
                assert store.progress(aid) == count(store.model_counts(aid), kept, store._scope(), store.reviewer)
