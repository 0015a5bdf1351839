"""Progress counts: the pure rules (label scope, a reviewer's or the final view) and the incremental sums."""

from __future__ import annotations

from tui.store.progress import Tally, count

ENTRY = {
    "decided": {"ann": {"PERSON": 2, "DATE": 1, "*claim": 1}, "bob": {"PERSON": 1}},
    "final": {"PERSON": {"accepted": 1, "disputed": 1}, "DATE": {"rejected": 1}, "*claim": {"edited": 1}},
    "alive": {"PERSON": 1},  # one addition still alive
}
MODEL = {"PERSON": 3, "DATE": 2, "*claim": 2}


def test_a_reviewer_counts_their_own_decisions_and_the_label_set_restricts_both_sides():
    assert count(MODEL, ENTRY, lambda k: True, "ann") == (4, 8)
    assert count(MODEL, ENTRY, lambda k: k != "DATE", "ann") == (3, 6)
    assert count(MODEL, ENTRY, lambda k: True, "carol") == (0, 8)


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
