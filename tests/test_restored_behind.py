"""A store folder restored from a backup (or copied over) behind processes that have it open: a writer
must refuse — "not saved" — rather than acknowledge decisions into a file the restore unlinked or
overwrote (QA: an `apply` acknowledged 104 decisions into a deleted journal; a review screen went on
into its own journal overwritten in place; a replaced lock file let a second process write as the
same reviewer)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tui.store import ReviewStore, StoreWriteError
from tui.store.folder import journal_slug

from support import make_extraction

TEXT = "Ben Wallace said Russia lost 100,000 troops near Zürich.\nOfficials in São Paulo agreed on Tuesday."
ENTS = [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Zürich", "GPE"), ("São Paulo", "GPE"), ("Tuesday", "DATE")]


@pytest.fixture
def store(tmp_path):
    """A store with one article and one decision of ana's; a backup of it taken then."""
    ex = make_extraction(TEXT, ENTS, ["Russia lost 100,000 troops near Zürich"])
    path = tmp_path / "store"
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    shutil.copytree(path, tmp_path / "backup")
    return path, tmp_path / "backup", ex


def restore(backup, path, *, in_place: bool, delete: bool = False) -> None:
    """``rsync -a`` (each file replaced: a new inode) or ``cp -a backup/. store/`` (written in place);
    ``delete``: files the backup does not hold go (``rsync --delete``)."""
    if delete:
        for dst in sorted(path.rglob("*"), reverse=True):
            if not (backup / dst.relative_to(path)).exists():
                dst.rmdir() if dst.is_dir() else dst.unlink()
    for src in backup.rglob("*"):
        dst = path / src.relative_to(backup)
        if src.is_dir():
            dst.mkdir(exist_ok=True)
        elif in_place:
            with open(dst, "r+b") as out:
                out.truncate(0)
                out.write(src.read_bytes())
        else:
            tmp = dst.with_name(dst.name + ".rsync-tmp")
            shutil.copy2(src, tmp)
            os.replace(tmp, dst)


@pytest.mark.parametrize("in_place", [False, True], ids=["files-replaced", "written-in-place"])
def test_a_writer_refuses_after_its_journal_was_restored_behind_it(store, in_place):
    path, backup, ex = store
    aid, cands = ex.article.id, [e["id"] for e in ex.entities]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        st.decide(aid, cands[1], "accept")  # after the backup
        restore(backup, path, in_place=in_place)
        with pytest.raises(StoreWriteError, match=r"not saved: .*(was replaced|was changed|replaced or removed)"):
            st.decide(aid, cands[2], "reject")
    with ReviewStore.open(path) as st:  # the restored store: nothing was written into it
        assert st.candidate(aid, cands[2])["status"] == "pending"


def test_a_restored_lock_file_does_not_let_a_second_writer_in_unnoticed(store):
    path, backup, ex = store
    aid, cands = ex.article.id, [e["id"] for e in ex.entities]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        lock = path / "journals" / f"{journal_slug('ana')}.lock"
        tmp = lock.with_name("lock.tmp")
        shutil.copy2(backup / "journals" / lock.name, tmp)
        os.replace(tmp, lock)  # only the lock file restored
        with pytest.raises(StoreWriteError, match="replaced or removed while this process held it"):
            st.decide(aid, cands[1], "accept")


def test_the_index_restored_behind_an_adder_is_not_written_to_the_unlinked_file(store, tmp_path):
    path, backup, _ex = store
    other = make_extraction("Zoë Adams spoke in Kyiv.", [("Zoë Adams", "PERSON"), ("Kyiv", "GPE")], [])
    third = make_extraction("Omar Said flew to Lima.", [("Omar Said", "PERSON"), ("Lima", "GPE")], [])
    with ReviewStore.open(path, mode="add", reviewer="ana") as st:
        st.add_article(other)
        restore(backup, path, in_place=False)
        with pytest.raises(StoreWriteError, match=r"not saved: .*index\.jsonl was replaced"):
            st.add_article(third)


def test_apply_says_not_saved_after_a_restore(store, tmp_path):
    """The real command: every line after the restore is an error line, none is acknowledged."""
    path, backup, ex = store
    aid, cands = ex.article.id, [e["id"] for e in ex.entities]
    env = {**os.environ, "NEWSREVIEW_STORE": str(path), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "apply", "-", "--reviewer", "dave"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(json.dumps({"article": aid, "candidate": cands[1], "action": "accept"}) + "\n")
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())
    assert first["ok"] is True
    restore(backup, path, in_place=False, delete=True)  # dave's journal, made after the backup, goes
    proc.stdin.write(json.dumps({"article": aid, "candidate": cands[2], "action": "accept"}) + "\n")
    proc.stdin.close()
    rest = [json.loads(line) for line in proc.stdout]
    proc.wait(timeout=60)
    assert rest and not any(r.get("ok") for r in rest), rest
    assert any("not saved" in json.dumps(r) for r in rest)
