"""A folder store held open (the review screen's) while the journals change under it: other reviewers'
new lines come in, a torn tail cut and written again is read afresh, and a journal edited in place,
cut or removed behind it is *said* — before this, the poll read only new bytes and saw none of it."""

from __future__ import annotations

import json

import pytest
from app_support import status_line

from tui.app.app import ReviewApp
from tui.store import ReviewStore, StoreWriteError, decision_log
from tui.store.folder import journal_slug

from support import make_extraction

TEXT = "Ben Wallace said Russia lost 100,000 troops near Zürich.\nOfficials in São Paulo agreed on Tuesday."
ENTS = [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Zürich", "GPE"), ("São Paulo", "GPE"), ("Tuesday", "DATE")]


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """ana's store open for review with one article; bob's journal with one decision; bob open too."""
    ex = make_extraction(TEXT, ENTS, ["Russia lost 100,000 troops near Zürich"])
    path = tmp_path / "store"
    ana = ReviewStore.open(path, write=True, reviewer="ana")
    ana.add_article(ex)
    bob = ReviewStore.open(path, write=True, reviewer="bob")
    bob.decide(ex.article.id, ex.entities[0]["id"], "accept")
    ana.refresh()
    yield ana, bob, ex, path / "journals" / f"{journal_slug('bob')}.jsonl"
    bob.close()
    ana.close()


def reviewers_on(store, aid, cid):
    return {r["reviewer"]: r["status"] for r in store.candidate(aid, cid).get("reviews") or ()}


def test_new_lines_are_read_and_nothing_is_said(desk):
    ana, bob, ex, _ = desk
    aid, cid = ex.article.id, ex.entities[1]["id"]
    bob.decide(aid, cid, "reject")
    ana.refresh()
    assert reviewers_on(ana, aid, cid) == {"bob": "rejected"}
    ana.refresh()
    assert ana.engine.damage is None


def test_a_torn_tail_cut_and_written_again_is_read_afresh(desk):
    """A writer that died mid-line leaves a torn tail; its next run cuts it and appends. A reader
    that had read the torn bytes went on from after them, into the middle of the new line."""
    ana, bob, ex, journal = desk
    aid = ex.article.id
    whole = journal.read_bytes()
    with journal.open("ab") as fh:
        fh.write(b'[7,"decisions",{"id":"torn')  # half a line, no newline
    ana.refresh()
    assert ana.engine.damage is None
    with journal.open("r+b") as fh:
        fh.truncate(len(whole))  # what the writer's next run does before its append
    bob.decide(aid, ex.entities[2]["id"], "reject")
    ana.refresh()
    assert reviewers_on(ana, aid, ex.entities[2]["id"]) == {"bob": "rejected"}
    assert ana.engine.damage is None


def test_a_journal_edited_in_place_is_said_and_read_no_further(desk):
    ana, bob, ex, journal = desk
    aid = ex.article.id
    carl = ReviewStore.open(journal.parent.parent, write=True, reviewer="carl")  # (it would refuse the store after)
    data = bytearray(journal.read_bytes())
    at = data.index(b'"accept"')
    data[at + 1 : at + 7] = b"reject"[:6]  # same length: size unchanged, only the bytes differ
    journal.write_bytes(bytes(data))
    ana.refresh()
    said = ana.engine.damage
    assert said is not None and f"journals/{journal_slug('bob')}.jsonl changed while the store was open" in said
    assert "line 1 is not what was read from it" in said and "newsreview doctor" in said
    # carl's work still comes in; bob's journal is read no further
    with carl:
        carl.decide(aid, ex.entities[3]["id"], "accept")
    bob.decide(aid, ex.entities[4]["id"], "accept")
    ana.refresh()
    assert reviewers_on(ana, aid, ex.entities[3]["id"]) == {"carl": "accepted"}
    assert reviewers_on(ana, aid, ex.entities[4]["id"]) == {}
    assert ana.engine.damage == said  # the first thing found stays


@pytest.mark.parametrize("how", ["cut", "removed"])
def test_a_journal_cut_or_removed_is_said(desk, how):
    ana, _bob, _ex, journal = desk
    if how == "cut":
        with journal.open("r+b") as fh:
            fh.truncate(10)
    else:
        journal.unlink()
    ana.refresh()
    said = ana.engine.damage
    assert said is not None
    assert ("shorter than the" in said and "it was cut" in said) if how == "cut" else "it was removed" in said


def test_the_own_journal_is_checked_too(desk):
    ana, _bob, ex, journal = desk
    ana.decide(ex.article.id, ex.entities[1]["id"], "accept")
    own = journal.parent / f"{journal_slug('ana')}.jsonl"
    own.write_bytes(own.read_bytes().replace(b'"accept"', b'"reject"'))
    ana.refresh()
    assert ana.engine.damage is not None and f"journals/{journal_slug('ana')}.jsonl changed" in ana.engine.damage
    assert "nothing more can be saved to it" in ana.engine.damage
    with pytest.raises(StoreWriteError, match=r"not saved: .*nothing more can be saved"):  # and none is
        ana.decide(ex.article.id, ex.entities[2]["id"], "accept")


async def test_the_review_screen_says_it_and_goes_on(desk, tmp_path):
    ana, _bob, ex, journal = desk
    aid = ex.article.id
    app = ReviewApp(ana, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.4)
        journal.write_bytes(journal.read_bytes().replace(b'"accept"', b'"reject"'))
        said = f"journals/{journal_slug('bob')}.jsonl changed while the store was open"
        for _ in range(100):  # the status line and the toast come from one refresh; under load, apart
            await pilot.pause(0.05)
            told = [str(n.message) for n in app._notifications]
            if "changed behind this screen" in status_line(app) and any(said in t for t in told):
                break
        assert "⚠ store changed behind this screen" in status_line(app)
        assert any(said in t for t in told)
        await pilot.press("a")  # ana's own decisions are still saved
        await pilot.pause(0.4)
        assert "⚠ store changed behind this screen" in status_line(app)  # and the alert stays
        assert sum("changed while the store was open" in str(n.message) for n in app._notifications) <= 1
    own = (journal.parent / f"{journal_slug('ana')}.jsonl").read_text("utf-8")
    assert aid in own and '"action":"accept"' in own  # the decision is in ana's journal


def test_an_edit_while_the_journal_grows_is_caught_by_its_last_line(desk):
    """A journal that grows is compared whole only every few minutes (a whole read at every append
    cost 54 ms on a 37 MB journal); an edit that moves its lines shows in the last line read."""
    ana, _bob, _ex, journal = desk
    data = journal.read_bytes()
    journal.write_bytes(data.replace(b'"accept"', b'"accepted"', 1) + b"x")  # one byte longer, and grown
    ana.refresh()
    assert ana.engine.damage is not None and "the last read, is not what was read from it" in ana.engine.damage


def test_a_whole_comparison_while_the_journal_grows(desk, monkeypatch):
    ana, bob, ex, journal = desk
    monkeypatch.setattr(decision_log, "FULL_CHECK_EVERY", 0.0)
    bob.decide(ex.article.id, ex.entities[1]["id"], "reject")
    ana.refresh()
    assert ana.engine.damage is None
    lines = journal.read_bytes().split(b"\n")
    lines[0] = lines[0].replace(b'"accept"', b'"reject"')  # the first line, same length; the file grows too
    journal.write_bytes(b"\n".join(lines) + b"")
    bob.decide(ex.article.id, ex.entities[2]["id"], "reject")
    ana.refresh()
    assert ana.engine.damage is not None and "its line 1 is not what was read from it" in ana.engine.damage


@pytest.mark.folder_only
def test_a_killed_apps_presence_goes_with_it(desk, tmp_path):
    """QA (SSH): after kill -9 the desk saw the dead session "on it now" for up to a minute. A presence
    written on this machine by a process that no longer runs is not shown."""
    import subprocess
    import sys

    ana, bob, ex, _journal = desk
    bob.set_presence(ex.article.id)
    assert "bob" in ana.presence()
    path = next((ana.engine.folder / "presence").glob("*.json"))
    data = json.loads(path.read_text())
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    path.write_text(json.dumps({**data, "pid": int(gone.stdout)}))  # a process that ran and ended
    assert "bob" not in ana.presence()
    path.write_text(json.dumps({**data, "host": "elsewhere", "pid": int(gone.stdout)}))  # another machine's
    assert "bob" in ana.presence()
    path.write_text(json.dumps({k: v for k, v in data.items() if k not in ("pid", "host")}))  # an older app's
    assert "bob" in ana.presence()
