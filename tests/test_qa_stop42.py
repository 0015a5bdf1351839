"""What stop 42 found: an accept or reject that changes nothing writes nothing; a desk of several
Unix users on one store folder."""

from __future__ import annotations

import json

import pytest

from tui.app.app import ReviewApp
from tui.store import ReviewStore, Unchanged


def open_as(path, name):
    return ReviewStore.open(path, write=True, reviewer=name)


def test_an_accept_of_what_is_accepted_writes_nothing(filled_store):
    """It wrote a record that changed nothing: an undo step that undid nothing (u seemed dead)."""
    path, ex = filled_store
    aid, wallace, russia = ex.article.id, ex.entities[0]["id"], ex.entities[1]["id"]
    with open_as(path, "alice") as st:
        st.decide(aid, wallace, "edit", changes={"label": "ORG"})
        st.decide(aid, russia, "reject")
        for cid, action, status in ((wallace, "accept", "edited"), (russia, "reject", "rejected")):
            assert st.unchanged_by(aid, cid, action) == status
            with pytest.raises(Unchanged, match=f"already {status}"):
                st.decide(aid, cid, action)
        assert len(st.history(aid, wallace)) == len(st.history(aid, russia)) == 1
        assert st.undo_last() == [(aid, russia)]  # the undo reverts the last real decision
        # with a step to redo on it, a decision is written: it ends what redo reaches, as before
        assert st.unchanged_by(aid, russia, "accept") is None
        assert st.decide(aid, russia, "accept")["status"] == "accepted"
        assert st.redo_last() == []
        assert st.unchanged_by(aid, russia, "reject") is None  # a change is a change


def test_apply_run_twice_says_unchanged_and_writes_nothing_the_second_time(filled_store, cli):
    path, ex = filled_store
    aid = ex.article.id
    lines = "".join(
        json.dumps({"article": aid, "candidate": e["id"], "action": action}) + "\n"
        for e, action in zip(ex.entities, ("accept", "reject", "accept", "accept"), strict=True)
    )
    first = [json.loads(x) for x in cli("apply", "-", "--reviewer", "alice", input=lines).stdout.splitlines()]
    assert all(r["ok"] and "unchanged" not in r for r in first)
    journals = sorted((path / "journals").glob("*.jsonl"))
    before = [p.read_bytes() for p in journals]
    again = [json.loads(x) for x in cli("apply", "-", "--reviewer", "alice", input=lines).stdout.splitlines()]
    assert [(r["ok"], r["candidate"], r["unchanged"]) for r in again] == [
        (True, e["id"], f"already {s}")
        for e, s in zip(ex.entities, ("accepted", "rejected", "accepted", "accepted"), strict=True)
    ]
    assert [p.read_bytes() for p in journals] == before


async def test_a_on_an_accepted_row_moves_on_and_writes_nothing(filled_store, tmp_path):
    path, ex = filled_store
    aid, wallace = ex.article.id, ex.entities[0]["id"]
    with open_as(path, "alice") as st:
        st.decide(aid, wallace, "accept")
    st = open_as(path, "alice")
    try:
        app = ReviewApp(st, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            screen = app.screen
            screen.state.select(wallace)
            screen.show()
            await pilot.press("a")
            await pilot.pause()
            assert screen.current()["id"] != wallace  # moved on, as a decision does
            assert "already accepted: nothing written" in screen.message
            await pilot.press("u")  # the undo takes back the accept made before, not a no-op
            await pilot.pause()
        assert st.candidate(aid, wallace)["status"] == "pending"
        assert [h["action"] for h in st.history(aid, wallace)] == ["accept", "undo"]
    finally:
        st.close()
