"""The review store: history, derived state, undo/redo, ids, journals, damage, full disk."""

from __future__ import annotations

import contextlib
import errno
import json
import os

import pytest

from tui.store import DecisionError, ReviewStore, StoreDamaged, StoreError, StoreWriteError, default_reviewer
from tui.store import journal as journal_mod
from tui.store.folder import journal_slug

from support import make_extraction, written

pytestmark = pytest.mark.engines


def journal(path, reviewer=None):
    return path / "journals" / f"{journal_slug(reviewer or default_reviewer())}.jsonl"


def test_add_is_idempotent_and_ids_are_stable(filled_store, new_store):
    path, ex = filled_store
    with ReviewStore.open(path, write=True, reviewer="tester") as st:
        assert st.add_article(ex) == ("duplicate", ex.article.id)
        assert st.article_ids() == [ex.article.id]
    # the same text in a fresh store gets the same article and candidate ids
    with ReviewStore.open(new_store("other"), write=True) as st:
        st.add_article(make_extraction(ex.article.text, [("Ben Wallace", "PERSON")]))
        assert st.article_ids() == [ex.article.id]
        assert st.candidates(ex.article.id)[0]["id"] == ex.entities[0]["id"]


def test_decisions_history_and_derived_state_survive_reopen(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    wallace, russia, zurich = (e["id"] for e in ex.entities[:3])
    claim = ex.claims[0]["id"]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        assert st.decide(aid, wallace, "accept", seconds=1.5)["status"] == "accepted"
        assert st.decide(aid, russia, "reject")["status"] == "rejected"
        edited = st.decide(aid, zurich, "edit", changes={"label": "LOC"})
        assert edited["status"] == "edited" and edited["original"] == {"label": "GPE"}
        assert st.decide(aid, claim, "edit", changes={"quote_type": "indirect"})["status"] == "edited"
        assert st.progress(aid) == (4, 5)
    for opened in (ReviewStore.open(path), ReviewStore.open(path, write=True, reviewer="ana")):
        with opened as st:  # a reader's final view, and ana's own view, after a restart
            by_id = {c["id"]: c for c in st.candidates(aid)}
            assert by_id[wallace]["status"] == "accepted" and by_id[wallace]["reviewer"] == "ana"
            assert by_id[russia]["status"] == "rejected"
            assert by_id[zurich]["label"] == "LOC" and by_id[zurich]["original"] == {"label": "GPE"}
            assert by_id[claim]["quote_type"] == "indirect"
            history = st.history(aid, wallace)
            assert [h["action"] for h in history] == ["accept"]
            assert history[0]["seconds"] == 1.5 and history[0]["before"] == {"status": "pending"}
            assert st.progress(aid) == (4, 5)


def test_undo_redo_per_candidate_and_after_restart(filled_store):
    path, ex = filled_store
    aid, cid = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True) as st:
        st.decide(aid, cid, "accept")
        st.decide(aid, cid, "edit", changes={"label": "ORG"})
        assert st.decide(aid, cid, "undo")["label"] == "PERSON"
    with ReviewStore.open(path, write=True) as st:  # undo and redo survive a restart
        state = st.candidate(aid, cid)
        assert state["status"] == "accepted" and state["label"] == "PERSON"
        assert st.decide(aid, cid, "redo")["label"] == "ORG"
        st.decide(aid, cid, "undo")
        st.decide(aid, cid, "undo")
        assert st.candidate(aid, cid)["status"] == "pending"
        with pytest.raises(DecisionError, match="nothing to undo"):
            st.decide(aid, cid, "undo")
        st.decide(aid, cid, "reject")  # a new decision clears the redo stack
        with pytest.raises(DecisionError, match="nothing to redo"):
            st.decide(aid, cid, "redo")
        actions = [h["action"] for h in st.history(aid, cid)]
        assert actions == ["accept", "edit", "undo", "redo", "undo", "undo", "reject"]


def test_batch_is_one_undo_step_and_global_undo_redo(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    ents = [e["id"] for e in ex.entities]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        st.decide(aid, ents[0], "reject")
        st.decide_many(aid, [(c, "accept", None) for c in ents[1:]])
        assert st.progress(aid) == (4, 5)
        undone = st.undo_last()
        assert sorted(c for _, c in undone) == sorted(ents[1:])
        assert st.progress(aid) == (1, 5)
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        assert len(st.redo_last()) == 3
        assert st.progress(aid) == (4, 5)
        st.undo_last()
        assert st.undo_last() == [(aid, ents[0])]
        assert st.progress(aid) == (0, 5)
        assert st.undo_last() == []
        st.decide(aid, ents[3], "reject")  # a new decision: the undone steps stay undone (QA: U redid them)
        assert st.redo_last() == [] and st.progress(aid) == (1, 5)
        assert st.undo_last() == [(aid, ents[3])]
        assert st.redo_last() == [(aid, ents[3])]  # its own undo can be redone


def test_analyst_added_candidates(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    text = ex.article.text
    s = text.index("😀")
    with ReviewStore.open(path, write=True) as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 1, "label": "EMOJI"})
        assert added["status"] == "added" and added["origin"] == "analyst" and added["text"] == "😀"
        c = text.index("Russia lost 100,000 troops")
        with pytest.raises(DecisionError, match=r"field 'speaker': 0\.\.11 is the claim's content itself"):
            st.add_candidate(aid, {"kind": "claim", "start": 0, "end": 11, "speaker": {"start": 0, "end": 11}})
        fields = {"kind": "claim", "start": c, "end": c + 26, "quote_type": "none", "speaker": {"start": 0, "end": 11}}
        with pytest.raises(DecisionError, match="field 'cue': the same span as the speaker"):
            st.add_candidate(aid, {**fields, "cue": {"start": 0, "end": 11}})
        claim = st.add_candidate(aid, fields)
        assert claim["speaker"]["text"] == "Ben Wallace"
        with pytest.raises(DecisionError, match=r"field 'cue': .* is the claim's content itself"):
            st.decide(aid, claim["id"], "edit", changes={"cue": {"start": c, "end": c + 26}})
        with pytest.raises(DecisionError, match=r"that entity is there already: '😀' \(EMOJI\), id e-"):
            st.add_candidate(aid, {"kind": "entity", "start": s, "end": s + 1, "label": "EMOJI"})
        with pytest.raises(DecisionError, match=r"that entity is there already: 'Ben Wallace' \(PERSON\)"):
            st.add_candidate(aid, {"kind": "entity", "start": 0, "end": 11, "label": "PERSON"})
        assert st.progress(aid) == (2, 7)
        st.decide(aid, added["id"], "undo")
        assert st.progress(aid) == (1, 6)
        assert added["id"] not in [c["id"] for c in st.candidates(aid)]
        assert st.decide(aid, added["id"], "redo")["status"] == "added"
        assert st.progress(aid) == (2, 7)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "entity", "start": 5, "end": 500, "label": "X"}, "outside the text"),
        ({"kind": "entity", "start": 5, "end": 3, "label": "X"}, "ends before it starts"),
        ({"kind": "entity", "start": 5, "end": 5, "label": "X"}, "is empty"),
        ({"kind": "entity", "start": "1", "end": 3, "label": "X"}, "must be an integer"),
        ({"kind": "entity", "start": 1, "end": 3}, "label"),
        ({"kind": "entity", "start": 1, "end": 3, "label": "\x1b]0;pwned\x1b\\ORG"}, "label"),
        ({"kind": "entity", "start": 1, "end": 3, "label": "L" * 65}, "at most 64"),
        ({"kind": "thing", "start": 1, "end": 3}, "kind"),
        ({"kind": "claim", "start": 0, "end": 5, "quote_type": "sarcastic"}, "quote_type"),
        ({"kind": "claim", "start": 0, "end": 5, "cue": {"start": 0}}, "cue.end"),
    ],
)
def test_bad_decisions_change_nothing(filled_store, fields, message):
    path, ex = filled_store
    with ReviewStore.open(path, write=True) as st:
        st.decide(ex.article.id, ex.entities[1]["id"], "accept")
    before = written(path)
    with ReviewStore.open(path, write=True) as st:
        with pytest.raises(DecisionError, match=message):
            st.add_candidate(ex.article.id, fields)
        with pytest.raises(DecisionError, match="unknown candidate"):
            st.decide(ex.article.id, "e-nope", "accept")
        with pytest.raises(DecisionError, match="changes nothing"):
            st.decide(ex.article.id, ex.entities[0]["id"], "edit", changes={"label": "PERSON"})
        with pytest.raises(DecisionError, match="cannot be edited"):
            st.decide(ex.article.id, ex.entities[0]["id"], "edit", changes={"quote_type": "direct"})
    assert written(path) == before


def test_edit_boundaries_keeps_offsets_exact(filled_store):
    path, ex = filled_store
    aid, text = ex.article.id, ex.article.text
    zurich = ex.entities[2]
    with ReviewStore.open(path, write=True) as st:
        state = st.decide(aid, zurich["id"], "edit", changes={"start": zurich["start"] - 3})
        assert state["text"] == text[state["start"] : state["end"]] == "in Zürich"
        assert state["original"]["text"] == "Zürich"
        assert state["token_start"] is not None


@pytest.mark.folder_only
def test_torn_journal_tail_is_ignored_and_dropped(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    with ReviewStore.open(path, write=True) as st:
        st.decide(aid, ex.entities[0]["id"], "accept")
    with open(journal(path), "ab") as fh:
        fh.write(b'{"seq":2,"ops":[["decisions",2,{"id":"d-x","art')  # power lost mid-write
    with ReviewStore.open(path) as st:  # readers ignore it
        assert st.progress(aid) == (1, 5)
    with ReviewStore.open(path, write=True) as st:  # the writer drops it, says so, and carries on
        assert any("dropped an incomplete last line" in n for n in st.notices)
        st.decide(aid, ex.entities[1]["id"], "accept")
    assert b'"d-x"' not in journal(path).read_bytes()
    with ReviewStore.open(path) as st:
        assert st.progress(aid) == (2, 5)


def _three_decisions(path, ex):
    with ReviewStore.open(path, write=True) as st:
        for e in ex.entities[:3]:
            st.decide(ex.article.id, e["id"], "accept")


@pytest.mark.folder_only
@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda lines: lines.__setitem__(1, b"garbage" + lines[1][7:]), r"line 2: .*checksum|line 2: no checksum"),
        (lambda lines: lines.__setitem__(1, lines[1].replace(b'"seq":2', b'"seq":3')), r"line 2: checksum mismatch"),
        (lambda lines: lines.__setitem__(0, lines[0].replace(b"accept", b"reject")), r"line 1: checksum mismatch"),
        (lambda lines: lines.pop(1), r"line 2: sequence 3 follows 1|truncated"),
        (lambda lines: lines.__delitem__(slice(1, None)) or lines.append(b""), r"has 1 complete lines but 3"),
    ],
    ids=["garbled", "seq-digit", "changed-action", "line-removed", "truncated"],
)
def test_damaged_journal_is_reported_with_its_line_and_not_written(filled_store, damage, message):
    path, ex = filled_store
    _three_decisions(path, ex)
    lines = journal(path).read_bytes().split(b"\n")
    damage(lines)
    journal(path).write_bytes(b"\n".join(lines))
    damaged = journal(path).read_bytes()
    for write in (False, True):
        with pytest.raises(StoreDamaged, match=message) as caught:
            ReviewStore.open(path, write=write)
        assert "newsreview doctor" in str(caught.value)
    assert journal(path).read_bytes() == damaged


@pytest.mark.folder_only
def test_truncated_mid_line_is_damage_not_a_torn_tail(filled_store):
    """A journal cut in half loses acknowledged decisions: the mark written when the writer closed
    tells it from a crash mid-write."""
    path, ex = filled_store
    with ReviewStore.open(path, write=True) as st:
        for _ in range(10):
            for e in ex.entities:
                st.decide(ex.article.id, e["id"], "accept")
                st.decide(ex.article.id, e["id"], "undo")
    data = journal(path).read_bytes()
    journal(path).write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreDamaged, match="truncated"):
        ReviewStore.open(path)


@pytest.mark.folder_only
def test_missing_journal_or_meta_is_damage(filled_store):
    path, ex = filled_store
    _three_decisions(path, ex)
    journal(path).unlink()
    with pytest.raises(StoreDamaged, match="missing"):
        ReviewStore.open(path)
    (path / "journals" / (journal(path).name + ".mark")).unlink()
    with pytest.raises(StoreDamaged, match=r"journal of reviewer '.*'.*missing"):
        ReviewStore.open(path)
    (path / "newsreview.json").unlink()
    with pytest.raises(StoreDamaged, match=r"newsreview\.json is missing"):
        ReviewStore.open(path, write=True)


@pytest.mark.folder_only
def test_missing_or_swapped_article_file_fails_that_article_only(store_path):
    texts = ["First article about Iran.", "Second article about Russia.", "Third article about Kyiv."]
    exs = [make_extraction(t, [(t.split()[-1].rstrip("."), "GPE")]) for t in texts]
    with ReviewStore.open(store_path, write=True) as st:
        for ex in exs:
            st.add_article(ex)
        rows = [st.article_info(ex.article.id) for ex in exs]
    files = [store_path / "articles" / r["shard"] for r in rows]
    data0, data1 = files[0].read_bytes(), files[1].read_bytes()
    files[0].write_bytes(data1)  # swapped
    files[1].write_bytes(data0)
    files[2].unlink()  # missing
    with ReviewStore.open(store_path) as st:
        assert len(st.article_ids()) == 3  # the store opens
        with pytest.raises(StoreDamaged, match="holds another article"):
            st.candidates(exs[0].article.id)
        with pytest.raises(StoreDamaged, match="is missing"):
            st.article(exs[2].article.id)


@pytest.mark.folder_only
def test_not_our_store(tmp_path):
    (tmp_path / "file.json").write_text("{}")
    with pytest.raises(StoreError, match="is a file"):
        ReviewStore.open(tmp_path / "file.json", write=True)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a newsreview store"):
        ReviewStore.open(other, write=True)
    (other / "newsreview.json").write_text(json.dumps({"_default": {"1": {"a": 1}}}))
    with pytest.raises(StoreError, match="not a newsreview store file"):
        ReviewStore.open(other, write=True)
    (other / "journals").mkdir()  # QA: a store whose meta file is damaged is damaged, not "no store"
    (other / "newsreview.json").write_text('{"_meta": {"1": {"form')
    with pytest.raises(StoreDamaged, match=r"damaged: .*newsreview.json is unreadable .*run 'newsreview doctor'"):
        ReviewStore.open(other)
    with pytest.raises(StoreError, match="no store at"):
        ReviewStore.open(tmp_path / "missing")


@pytest.mark.folder_only
def test_full_disk_fails_the_decision_and_keeps_the_store(filled_store, monkeypatch):
    path, ex = filled_store
    aid = ex.article.id
    with ReviewStore.open(path, write=True) as st:
        st.decide(aid, ex.entities[0]["id"], "accept")
        real_write = os.write

        def full(fd, data):
            real_write(fd, data[: len(data) // 2])  # a partial write, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(journal_mod.os, "write", full)
        with pytest.raises(StoreWriteError, match="no space left on device"):
            st.decide(aid, ex.entities[1]["id"], "accept")
        assert st.candidate(aid, ex.entities[1]["id"])["status"] == "pending"
        monkeypatch.setattr(journal_mod.os, "write", real_write)
        st.decide(aid, ex.entities[2]["id"], "reject")  # the next write works: no garbage was left behind
    with ReviewStore.open(path) as st:
        states = {c["id"]: c["status"] for c in st.candidates(aid)}
        assert [states[e["id"]] for e in ex.entities[:3]] == ["accepted", "pending", "rejected"]


@pytest.mark.folder_only
def test_an_add_a_full_disk_refuses_leaves_no_article_file(store_path, monkeypatch):
    """QA: a full disk refused the index line of an ``add``; the article file written for it stayed,
    unindexed (doctor: "holds article …, which is not indexed")."""
    from support import make_extraction

    first = make_extraction("Ben Wallace spoke in London.", [("Ben Wallace", "PERSON")])
    second = make_extraction("Olaf Scholz spoke in Berlin.", [("Olaf Scholz", "PERSON")])
    with ReviewStore.open(store_path, mode="add") as st:
        st.add_article(first)
        before = sorted(p.name for p in (store_path / "articles").iterdir())

        def full(self, ops):  # type: ignore[no-untyped-def]
            raise StoreWriteError(f"not saved: cannot write {self.shown}: no space left on device")

        monkeypatch.setattr(journal_mod.Journal, "append", full)  # the article file is written; its index line is not
        with pytest.raises(StoreWriteError, match="no space left on device"):
            st.add_article(second)
        monkeypatch.undo()
        assert sorted(p.name for p in (store_path / "articles").iterdir()) == before
        assert st.add_article(second)[0] == "added"  # space again: it goes in
    assert len(ReviewStore.open(store_path).article_ids()) == 2


@pytest.mark.folder_only
def test_failed_creation_leaves_nothing_behind(tmp_path, monkeypatch):
    from tui.store import files

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.tempfile, "mkstemp", no_space)
    with pytest.raises(StoreWriteError, match=r"cannot create a store at .*no space left"):
        ReviewStore.open(tmp_path / "new" / "store", write=True)
    assert not (tmp_path / "new").exists()  # nothing half-made that would be refused as "not empty"
    monkeypatch.undo()
    with ReviewStore.open(tmp_path / "new" / "store", write=True) as st:
        assert st.article_ids() == []


@pytest.mark.folder_only
def test_files_are_plain_tinydb_json(filled_store):
    from tinydb import TinyDB

    path, ex = filled_store
    shard = next((path / "articles").iterdir())
    with TinyDB(shard, access_mode="r") as db:
        assert db.table("article").get(doc_id=1)["text"] == ex.article.text
        assert len(db.table("candidates")) == 5
    with TinyDB(path / "newsreview.json", access_mode="r") as db:
        assert db.table("_meta").get(doc_id=1)["format"] == "newsreview-store/2"
    line = (path / "index.jsonl").read_bytes().splitlines()[0]
    assert json.loads(line)["ops"][0][2]["id"] == ex.article.id  # every journal line is JSON


def test_progress_counters_match_the_derived_states(filled_store):
    """progress()/totals() are kept incrementally; they must agree with recomputing from candidates()."""
    import random

    path, ex = filled_store
    aid = ex.article.id
    rng = random.Random(7)
    with ReviewStore.open(path, write=True) as st:
        added = st.add_candidate(aid, {"kind": "entity", "start": 0, "end": 3, "label": "X"})
        ids = [c["id"] for c in ex.entities + ex.claims] + [added["id"]]
        for _ in range(200):
            cid = rng.choice(ids)
            action = rng.choice(["accept", "reject", "undo", "redo"])
            with contextlib.suppress(DecisionError):
                st.decide(aid, cid, action)
            if rng.random() < 0.1:
                st.undo_last()
            cands = st.candidates(aid)
            expected = (sum(c["status"] != "pending" for c in cands), len(cands))
            assert st.progress(aid) == expected == st.totals()
    with ReviewStore.open(path, write=True) as st:  # and the same after replaying the history from disk
        cands = st.candidates(aid)
        assert st.progress(aid) == (sum(c["status"] != "pending" for c in cands), len(cands)) == st.totals()


@pytest.mark.folder_only
def test_replay_is_linear_in_the_history(filled_store, monkeypatch):
    """20k decisions on one candidate: folding each costs the same however long its history is."""
    import time

    monkeypatch.setattr(journal_mod.os, "fdatasync", lambda fd: None)  # replay is tested, not durability
    path, ex = filled_store
    aid, cid = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True) as st:
        for i in range(2000):  # (an accept of what is accepted writes nothing: they alternate)
            st.decide(aid, cid, "reject" if i % 2 else "accept")
    t0 = time.perf_counter()
    with ReviewStore.open(path) as st:
        assert len(st.history(aid, cid)) == 2000
    small = time.perf_counter() - t0
    with ReviewStore.open(path, write=True) as st:
        for i in range(18000):
            st.decide(aid, cid, "reject" if i % 2 else "accept")
    t0 = time.perf_counter()
    with ReviewStore.open(path) as st:
        assert len(st.history(aid, cid)) == 20000
        assert st.candidate(aid, cid)["status"] == "rejected"
    big = time.perf_counter() - t0
    assert big < 10 * small + 1.0, (small, big)  # 10x the records, not 100x the time


def test_reviewer_names_are_checked(filled_store):
    path, _ = filled_store
    for bad in ("", "a/b", ".hidden", "x" * 65, "evil\x1b]0;t\x07", "\udcff"):
        with pytest.raises(StoreError, match="reviewer name"):
            ReviewStore.open(path, write=True, reviewer=bad)


@pytest.mark.folder_only
def test_a_lock_that_is_a_symlink_is_refused_not_followed(filled_store, tmp_path):
    path, _ = filled_store
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    lock = path / "journals" / f"{journal_slug(default_reviewer())}.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    with pytest.raises(StoreError, match="not a regular file"):
        ReviewStore.open(path, write=True)
    assert victim.read_text() == "precious"


@pytest.mark.folder_only
def test_the_summary_cache_agrees_with_a_full_replay(store_path):
    """Opening uses cache/decisions.json for what it covers and folds only newer lines; the figures are
    the same as with no cache at all, and a journal changed under the cache is read line by line."""
    import random
    import shutil

    rng = random.Random(11)
    exs = [
        make_extraction(f"Report {i} on Kyiv and Lviv and Odesa.", [("Kyiv", "GPE"), ("Lviv", "GPE"), ("Odesa", "GPE")])
        for i in range(6)
    ]
    with ReviewStore.open(store_path, mode="add") as st:
        for ex in exs:
            st.add_article(ex)

    def session(who, n):
        with ReviewStore.open(store_path, write=True, reviewer=who) as st:
            for _ in range(n):
                ex = rng.choice(exs)
                cid = rng.choice(ex.entities)["id"]
                action = rng.choice(["accept", "reject", "undo", "edit", "add"])
                with contextlib.suppress(DecisionError):
                    if action == "edit":
                        st.decide(ex.article.id, cid, "edit", changes={"label": rng.choice(["LOC", "ORG"])})
                    elif action == "add":
                        st.add_candidate(ex.article.id, {"kind": "entity", "start": 0, "end": 6, "label": "EVENT"})
                    else:
                        st.decide(ex.article.id, cid, action)

    def figures():
        with ReviewStore.open(store_path) as st:
            summary = st.summary()
            summary.pop("size")
            from tui.store.summaries import _AGREE_BASE, _AGREE_STATE

            rows = sorted(  # agreement's input: the fields it reads, from the cache or folded
                json.dumps(
                    [
                        aid,
                        {k: base.get(k) for k in _AGREE_BASE},
                        {w: {k: s.get(k) for k in _AGREE_STATE} for w, s in states.items()},
                    ],
                    sort_keys=True,
                )
                for aid, base, states in st.decided_items()
            )
            progress = [st.progress(a) for a in st.article_ids()]
            return summary, progress, [st.final_progress(a) for a in st.article_ids()], rows

    for who in ("ann", "ben", "cat", "ann"):
        session(who, 40)
    assert (store_path / "cache" / "decisions.json").exists()
    with_cache = figures()
    assert with_cache[3]
    (store_path / "cache" / "agree.json").unlink()  # agreement rows lost: those articles are folded
    assert figures() == with_cache
    session("ben", 15)  # newer than the cache: folded from the journals
    shutil.copy(store_path / "cache" / "decisions.json", store_path / "old-cache.json")
    with_tail = figures()
    (store_path / "cache" / "decisions.json").unlink()
    assert figures() == with_tail  # the same without any cache
    shutil.copy(store_path / "old-cache.json", store_path / "cache" / "decisions.json")
    session("cat", 10)
    with ReviewStore.open(store_path) as st:  # everything folded by hand agrees too
        for aid in st.article_ids():
            cands = st.candidates(aid, view="final")
            decided = sum(c["status"] in ("accepted", "edited", "added", "rejected") for c in cands)
            assert st.final_progress(aid)[0] == decided and st.progress(aid) == (decided, len(cands))
    with ReviewStore.open(store_path) as st:
        records = sum(len(st.history(a, c["id"])) for a in st.article_ids() for c in st.candidates(a))
        assert st.summary()["decisions"] == records > with_cache[0]["decisions"] > 0
    journal = store_path / "journals" / f"{journal_slug('ann')}.jsonl"
    lines = journal.read_bytes().split(b"\n")
    at = lines[3].index(b'"at":"') + 6
    lines[3] = lines[3][:at] + (b"1" if lines[3][at : at + 1] != b"1" else b"2") + lines[3][at + 1 :]  # another year
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreDamaged, match="line 4: checksum mismatch"):
        ReviewStore.open(store_path)  # the cache does not hide damage in the part it covers


def test_where_a_span_would_cut_a_character_in_two(tmp_path):
    """``spans.cluster_cut`` names the character an offset falls inside (an accent written as its
    own code point, a flag of two regional indicators, CRLF), for the editor to refuse typed offsets.
    The store itself takes code-point offsets: spaCy splits flags and skin tones into tokens, and the
    token keys and extracted entities stand on those edges. An out-of-text end is named as 'end'."""
    from tui.app.spans import cluster_cut

    text = "Ele\u0301onore met 🇩🇪 officials.\r\nThey said prices rose 5 percent."
    e, flag, crlf = text.index("\u0301"), text.index("🇩🇪"), text.index("\r\n")
    assert cluster_cut(text, e) == (e - 1, e + 1)
    assert cluster_cut(text, flag + 1) == (flag, flag + 2)
    assert cluster_cut(text, crlf + 1) == (crlf, crlf + 2)
    assert [cluster_cut(text, at) for at in (0, e + 1, flag, flag + 2, crlf, crlf + 2, len(text))] == [None] * 7
    store = ReviewStore.open(tmp_path / "s", write=True)
    _, aid = store.add_article(make_extraction(text, [("officials", "NORP")], ["prices rose 5 percent"]))
    entity = store.candidates(aid, "entity")[0]
    with pytest.raises(DecisionError, match=r"field 'end': span 0\.\.999 is outside the text"):
        store.decide(aid, entity["id"], "edit", changes={"start": 0, "end": 999})
    added = store.add_candidate(aid, {"kind": "entity", "start": flag, "end": flag + 1, "label": "GPE"})
    assert added["text"] == text[flag : flag + 1]  # a token edge spaCy made: taken as it is
    store.close()


@pytest.mark.parametrize("mode", ["add", "review"])
def test_a_store_not_there_is_not_made_when_create_is_off(store_path, mode):
    """Commands that work on a store's articles (apply, assign, leads, reextract, a serve tab) open it
    with ``create=False``: a mistyped --store is an error in one open, not a new empty store (they
    used to open the store a second time, read-only, to find out, reading its index twice)."""
    with pytest.raises(StoreError, match=r"^no store at .* yet: add articles first"):
        ReviewStore.open(store_path, mode=mode, reviewer="ann", create=False)
    with pytest.raises(StoreError, match=r"no store at"):  # and nothing was made by the refused open
        ReviewStore.open(store_path, mode="read")
    ReviewStore.open(store_path, mode=mode, reviewer="ann").close()  # the default still makes it
    ReviewStore.open(store_path, mode=mode, reviewer="ann", create=False).close()


def test_an_edit_s_reversed_span_names_the_field_it_changed(filled_store):
    """QA (stop 50): the editor's end typed as 3 (before the start) was refused as "field 'start':
    span 758..3 ends before it starts" — the start was as it was."""
    path, ex = filled_store
    aid, claim = ex.article.id, ex.claims[0]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        with pytest.raises(DecisionError, match=r"^field 'end': span \d+\.\.3 ends before it starts"):
            st.decide(aid, claim["id"], "edit", changes={"start": claim["start"], "end": 3})
        with pytest.raises(DecisionError, match=r"^field 'start': span \d+\.\.\d+ ends before it starts"):
            st.decide(aid, claim["id"], "edit", changes={"start": claim["end"] + 1})


def test_an_interrupted_quote_moved_stays_direct(tmp_path):
    """QA (stop 51): “A,” said Lagarde. “B.” holds its speaker and cue between its quotes; the store
    counted them as unquoted words and made a moved claim "mixed" (the extraction gave the same
    sentence "direct" or "mixed" by how the cue was worded). A claim's own speaker and cue are not
    its content's unquoted words; other words are."""
    from extractors.records import claim_candidate

    text = 'Rates.\n\n"We are not pre-committing," said Lagarde. "Our decisions remain data-dependent." Banks agreed.\n'
    ex = make_extraction(text, [], [], title="t")
    aid = ex.article.id
    start, end = text.index('"We'), text.index(" Banks")
    cue, who = text.index("said"), text.index("Lagarde")
    roles = {
        "cue": {"start": cue, "end": cue + 4, "text": "said"},
        "speaker": {"start": who, "end": who + 7, "text": "Lagarde"},
    }
    claim = claim_candidate(
        text, aid, start, end, quote_type="direct", checkworthiness=0.6, numbers=[], model="t", **roles
    )
    ex.claims.append(claim)
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ana") as st:
        st.add_article(ex)
        moved = st.decide(aid, claim["id"], "edit", changes={"end": len(text) - 1})
        assert moved["quote_type"] == "mixed"  # "Banks agreed." is unquoted
        moved = st.decide(aid, claim["id"], "edit", changes={"end": end})
        assert moved["quote_type"] == "direct"  # (was "mixed": the speaker and the cue counted as unquoted)
