"""Upgrading a format-1 store (one shared history, before the desk): what format 1 did across reviewers
is carried over as it was, a damaged one is found by doctor, a failed upgrade leaves it as it was.
(The upgrade of the committed fixture as such: tests/test_desk.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.store import ReviewStore, StoreError
from tui.store import upgrade as upgrade_mod
from tui.store.doctor import check

FIXTURE = Path(__file__).parent / "fixtures" / "store-v1"
A1, A2 = "a-42ff1d46f9a4", "a-f08652aa9689"
ZURICH, IRAN, TUESDAY = "e-9b57e259f9d2", "e-aafa86211ea8", "e-bc0b7ea62f65"


def _records(folder: Path) -> dict[int, dict]:
    snap = json.loads((folder / "newsreview.json").read_text())
    found = {d["seq"]: d for d in snap["decisions"].values()}
    for line in (folder / "journal.jsonl").read_text().splitlines():
        for table, _, doc in json.loads(line)["ops"]:
            if table == "decisions":
                found[doc["seq"]] = doc
    return found


def _append(folder: Path, *records: dict) -> None:
    """Decisions as format 1 wrote them: a journal line per transaction, seq after the last."""
    known = _records(folder)
    seq = max(known)
    lines = []
    for record in records:
        seq += 1
        doc = {"id": f"d-{seq:016x}", "seq": seq, "kind": "entity", "seconds": None, "batch": None, **record}
        doc.setdefault("at", f"2026-12-02T10:00:{seq:02d}.000+00:00")
        lines.append(json.dumps({"seq": seq + 100, "ops": [["decisions", seq, doc]]}))
    with open(folder / "journal.jsonl", "a") as f:
        f.write("".join(line + "\n" for line in lines))


def _v1(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_what_format_1_did_across_reviewers_is_carried_over(tmp_path):
    """QA, stop 41: format 1 undid another reviewer's decision (one history a candidate) — the upgrade
    put that undo in the undoer's own empty history, where it did nothing, and the accept came back; an
    accept of another's relabel became the machine's label, a dispute nobody had."""
    folder = _v1(tmp_path)
    root_iran = next(d for d in _records(folder).values() if d["candidate"] == IRAN)
    _append(
        folder,
        # bob undoes root's accept of Iran: pending again in format 1
        {
            "article": A2,
            "candidate": IRAN,
            "action": "undo",
            "reviewer": "bob",
            "target": root_iran["id"],
            "before": {"status": "accepted"},
            "after": {"status": "(previous)"},
        },
        # bob accepts Zürich as root relabelled it (LOC)
        {
            "article": A1,
            "candidate": ZURICH,
            "action": "accept",
            "reviewer": "bob",
            "before": {"status": "edited"},
            "after": {"status": "edited"},
        },
        # bob rejects Tuesday (alice accepted it), then alice's undo undoes bob's reject: accepted again
        {
            "article": A2,
            "candidate": TUESDAY,
            "action": "reject",
            "reviewer": "bob",
            "before": {"status": "accepted"},
            "after": {"status": "rejected"},
        },
    )
    bob_reject = max(_records(folder).values(), key=lambda d: d["seq"])
    _append(
        folder,
        {
            "article": A2,
            "candidate": TUESDAY,
            "action": "undo",
            "reviewer": "alice",
            "target": bob_reject["id"],
            "before": {"status": "rejected"},
            "after": {"status": "(previous)"},
        },
    )
    with ReviewStore.open(folder) as st:
        iran = st.candidate(A2, IRAN, view="final")
        assert iran["status"] == "pending"
        zurich = st.candidate(A1, ZURICH, view="final")
        assert zurich["status"] in ("accepted", "edited") and zurich["label"] == "LOC"
        assert st.candidate(A1, ZURICH, view="bob")["label"] == "LOC"
        tuesday = st.candidate(A2, TUESDAY, view="final")
        assert tuesday["status"] == "accepted"
        assert st.candidate(A2, TUESDAY, view="bob")["status"] == "pending"
        assert st.summary()["decisions"] == 18
    journals = {p.name.split("-")[0]: p.read_text() for p in (folder / "journals").glob("*.jsonl")}
    assert '"by":"bob"' in journals["root"]  # the undo is in the journal of the decision it undid, saying whose
    assert '"upgraded":{"action":"accept"' in journals["bob"]
    assert check(folder).healthy


def test_doctor_finds_a_garbled_line_of_a_format_1_store_and_repairs_it(tmp_path):
    """QA, stop 41: doctor called it healthy (and --repair 'nothing needed repair') while every other
    command refused it as damaged: nobody could open it."""
    folder = _v1(tmp_path)
    lines = (folder / "journal.jsonl").read_bytes().split(b"\n")
    lines[2] = lines[2][: len(lines[2]) // 2]
    (folder / "journal.jsonl").write_bytes(b"\n".join(lines))
    with pytest.raises(StoreError, match=r"journal.jsonl line 3 is garbled"):
        ReviewStore.open(folder)
    report = check(folder)
    assert report.problems == [f"{folder / 'journal.jsonl'} line 3 is garbled"]
    fixed = check(folder, repair=True)
    assert fixed.backup is not None and (fixed.backup / "journal.jsonl").read_bytes() == b"\n".join(lines)
    assert any("line 3" in line for line in fixed.repaired)
    with ReviewStore.open(folder) as st:
        assert len(st.article_ids()) == 2 and st.summary()["decisions"] == 13  # 14, less the one on line 3
    assert check(folder).healthy


def test_a_format_1_store_that_cannot_be_written_says_how_to_read_it(tmp_path, monkeypatch):
    """QA, stop 41: an archived store on a read-only mount said only 'cannot lock …/lock: Read-only file
    system'."""
    folder = _v1(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    monkeypatch.setattr(upgrade_mod.os, "access", lambda path, mode: False)
    with pytest.raises(StoreError, match=r"format 1\) and must be upgraded .* copy it somewhere writable"):
        ReviewStore.open(folder)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_an_upgrade_that_fails_halfway_leaves_the_old_store_alone(tmp_path, monkeypatch):
    """QA, stop 41: a disk that filled while the journals were written left the new files beside the old
    (and the error did not say the store was as it was)."""
    folder = _v1(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    real = upgrade_mod.atomic_write
    calls = []

    def fills(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise upgrade_mod.StoreError(f"cannot write {path}: no space left on device")
        real(path, data)

    monkeypatch.setattr(upgrade_mod, "atomic_write", fills)
    with pytest.raises(StoreError, match=r"cannot upgrade .*no space left on device.*; it was left as it was"):
        ReviewStore.open(folder)
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "lock"}
    assert after == before  # the format-1 lock file (format 1 made it too) aside
    assert sorted(p.name for p in folder.iterdir()) == ["articles", "journal.jsonl", "lock", "newsreview.json"]
    monkeypatch.setattr(upgrade_mod, "atomic_write", real)
    with ReviewStore.open(folder) as st:
        assert st.summary()["decisions"] == 14
    meta = json.loads((folder / "newsreview.json").read_text())["_meta"]["1"]
    assert (
        meta["created"]
        == json.loads((folder / "upgrade-backup" / "newsreview.v1.json").read_text())["_meta"]["1"]["created"]
    )


def test_a_decision_of_no_known_shape_is_damage_doctor_finds(tmp_path):
    """Review: a format-1 decision without its reviewer passed doctor ("opening it upgrades it") and
    the upgrade then failed with an internal KeyError."""
    folder = _v1(tmp_path)
    _append(folder, {"article": A2, "candidate": IRAN, "action": "accept", "reviewer": "bob"})
    with open(folder / "journal.jsonl", "a") as f:  # and one with no reviewer at all
        f.write(
            json.dumps(
                {
                    "seq": 200,
                    "ops": [
                        [
                            "decisions",
                            99,
                            {
                                "id": "d-x",
                                "seq": 99,
                                "article": A2,
                                "candidate": IRAN,
                                "kind": "entity",
                                "action": "accept",
                                "at": "2026-12-02T10:00:00+00:00",
                            },
                        ]
                    ],
                }
            )
            + "\n"
        )
    with pytest.raises(StoreError, match=r"journal.jsonl line 10 is garbled"):
        ReviewStore.open(folder)
    assert check(folder).problems == [f"{folder / 'journal.jsonl'} line 10 is garbled"]
    check(folder, repair=True)
    with ReviewStore.open(folder) as st:
        assert st.summary()["decisions"] == 15 and st.candidate(A2, IRAN, view="bob")["status"] == "accepted"


def test_an_upgrade_whose_last_sync_fails_keeps_the_new_store(tmp_path, monkeypatch):
    """Review: the marker replaced, the folder's sync failing, the new index and journals and the
    backup of the old files were removed, and the message said the store was left as it was."""
    folder = _v1(tmp_path)
    real = upgrade_mod.atomic_write

    def then_fails(path, data):
        real(path, data)
        if path.name == "newsreview.json":
            raise upgrade_mod.StoreError(f"cannot write {path}: input/output error")

    monkeypatch.setattr(upgrade_mod, "atomic_write", then_fails)
    with pytest.raises(StoreError, match=r"upgraded .*, but the last step could not be made durable"):
        ReviewStore.open(folder)
    assert (folder / "upgrade-backup" / "newsreview.v1.json").exists() and (folder / "index.jsonl").exists()
    monkeypatch.setattr(upgrade_mod, "atomic_write", real)
    with ReviewStore.open(folder) as st:
        assert st.summary()["decisions"] == 14


def test_an_upgrade_keeps_a_backup_an_earlier_attempt_left(tmp_path):
    """Review: a store with ``upgrade-backup/`` from an earlier attempt had its copies overwritten."""
    folder = _v1(tmp_path)
    earlier = folder / "upgrade-backup"
    earlier.mkdir()
    (earlier / "newsreview.v1.json").write_text("an earlier attempt's copy", encoding="utf-8")
    with ReviewStore.open(folder) as st:
        assert any("the old files are in upgrade-backup-2/" in n for n in st.notices), st.notices
    assert (earlier / "newsreview.v1.json").read_text(encoding="utf-8") == "an earlier attempt's copy"
    assert (folder / "upgrade-backup-2" / "newsreview.v1.json").exists()
