"""`newsreview doctor` on damage found by QA: swapped article files, folders, symlinks or files where
the store's files or folders should be, a deleted index, a stale cache after a repair, a cut last line.

Each test damages a real store, drives the real CLI, and checks the exit code, the one-line message
naming the file, and that no article or decision that was still there is lost."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tui.store import ReviewStore
from tui.store.folder import journal_slug

from support import make_extraction

pytestmark = pytest.mark.folder_only

TEXTS = ["First article about Iran.", "Second article about Russia.", "Third article about Kyiv."]


def desk(path):
    """Three articles; alice accepts and bob rejects each one's candidate (6 decisions)."""
    exs = [make_extraction(t, [(t.split()[-1].rstrip("."), "GPE")]) for t in TEXTS]
    with ReviewStore.open(path, write=True, reviewer="alice") as st:
        for ex in exs:
            st.add_article(ex)
        for ex in exs:
            st.decide(ex.article.id, ex.entities[0]["id"], "accept")
        rows = [st.article_info(ex.article.id) for ex in exs]
    with ReviewStore.open(path, write=True, reviewer="bob") as st:
        for ex in exs:
            st.decide(ex.article.id, ex.entities[0]["id"], "reject")
    return exs, rows


def journal(path, reviewer):
    return path / "journals" / f"{journal_slug(reviewer)}.jsonl"


def damaged_lines(out):
    return [line for line in out.stdout.splitlines() if line.startswith("damaged: ")]


def no_traceback(proc):
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr


def decisions(cli):
    status = cli.json("status", "--json")
    return {name: r["decisions"] for name, r in status["reviewers"].items()}, status["articles"]


def article_in(path):
    return json.loads(path.read_bytes())["article"]["1"]["id"]


def backups(store):
    return sorted(store.glob("doctor-backup-*"))


# -- 1. swapped article files -----------------------------------------------------------------------


@pytest.mark.parametrize("cycle", [2, 3], ids=["swap", "three-cycle"])
def test_swapped_article_files_go_back_without_losing_one(store_path, cli, cycle):
    exs, rows = desk(store_path)
    files = [store_path / "articles" / r["shard"] for r in rows][:cycle]
    originals = {f.name: f.read_bytes() for f in files}
    contents = [f.read_bytes() for f in files]
    for i, f in enumerate(files):  # each file now holds the next one's article
        f.write_bytes(contents[(i + 1) % cycle])
    damaged = {f.name: f.read_bytes() for f in files}

    check = cli("doctor", check=1)
    assert len(damaged_lines(check)) == cycle
    assert f"({store_path / 'articles' / files[0].name}) holds another article" in check.stdout
    assert f"it is in {files[-1].name} instead" in check.stdout

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert repair.stdout.count("repaired: moved ") == cycle
    assert f"moved {files[-1].name} back to {files[0].name} (article '{exs[0].article.id}')" in repair.stdout
    for f in files:  # every article is back in its own file: none was overwritten
        assert f.read_bytes() == originals[f.name]
    (backup,) = backups(store_path)  # taken before the first move: the files as they were found
    for f in files:
        assert (backup / "articles" / f.name).read_bytes() == damaged[f.name]
    assert not list((store_path / "articles").glob(".*"))  # no temporary name left behind
    assert cli("doctor").stdout.strip().endswith("healthy")
    exported = cli.json("export", "--include", "all")
    assert sorted(a["id"] for a in exported["articles"]) == sorted(ex.article.id for ex in exs)
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 2. a folder where a file of the store should be ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["newsreview.json", "index.jsonl", "index.jsonl.mark", "journals/{alice}.jsonl.mark", "journals/{bob}.jsonl"],
)
def test_a_folder_in_place_of_a_store_file_is_damage_and_repaired(store_path, cli, name):
    desk(store_path)
    name = name.format(alice=journal_slug("alice"), bob=journal_slug("bob"))
    path = store_path / name
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("kept")

    check = cli("doctor", check=1)
    no_traceback(check)
    (line,) = damaged_lines(check)
    assert str(path) in line and "is a folder, not a file" in line
    if name.startswith("journals/bob"):
        assert line.startswith("damaged: the journal of reviewer 'bob'") and "their decisions are lost" in line

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"repaired: moved {path} into the backup" in repair.stdout
    assert "the store opens again" in repair.stdout
    (backup,) = backups(store_path)
    assert (backup / name / "inside.txt").read_text() == "kept"  # what stood there is kept, not deleted
    assert cli("doctor").stdout.strip().endswith("healthy")
    if name.startswith("journals/bob"):  # the journal was gone already: recorded lost, alice's are kept
        assert "recorded that the journal of 'bob' is lost" in repair.stdout
        assert decisions(cli) == ({"alice": 3}, 3)
    else:
        assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)
    cli("apply", "-", "--reviewer", "alice", input="")  # the store is written again


# -- 3. journals/ (or articles/) is a file ----------------------------------------------------------


@pytest.mark.parametrize("sub", ["journals", "articles"])
def test_a_file_in_place_of_a_store_folder_is_reported_and_repair_refuses(store_path, cli, sub):
    desk(store_path)
    folder = store_path / sub
    shutil.rmtree(folder)
    folder.write_bytes(b"not a folder")
    before = sorted(p.name for p in store_path.iterdir())

    check = cli("doctor", check=1)
    no_traceback(check)
    (line,) = damaged_lines(check)
    assert line.startswith(f"damaged: {folder} is not a folder")

    repair = cli("doctor", "--repair", check=1)
    no_traceback(repair)
    assert repair.stderr.count("\n") == 1 and f"cannot repair {store_path}: {folder} is not a folder" in repair.stderr
    assert "nothing was changed" in repair.stderr
    assert folder.read_bytes() == b"not a folder" and sorted(p.name for p in store_path.iterdir()) == before


# -- 4. index.jsonl deleted -------------------------------------------------------------------------


def test_a_deleted_index_is_damage_and_repair_indexes_the_articles_again(store_path, cli):
    exs, _ = desk(store_path)
    index = store_path / "index.jsonl"
    recorded = json.loads((store_path / "index.jsonl.mark").read_bytes())["lines"]
    index.unlink()
    refused = cli("status", check=1)
    assert f"{index} is missing (its mark records {recorded} lines)" in refused.stderr

    check = cli("doctor", check=1)
    no_traceback(check)
    assert damaged_lines(check) == [f"damaged: {index} is missing (its mark records {recorded} lines)"]
    assert check.stdout.count("which is not indexed") == 3

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert repair.stdout.count("repaired: indexed ") == 3
    assert "registered the journal" in repair.stdout and "the store opens again" in repair.stdout
    assert "nothing needed repair" not in repair.stdout
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)
    exported = cli.json("export", "--include", "all")
    assert sorted(a["id"] for a in exported["articles"]) == sorted(ex.article.id for ex in exs)
    line = json.dumps({"article": exs[0].article.id, "candidate": exs[0].entities[0]["id"], "action": "reject"})
    cli("apply", "-", "--reviewer", "alice", input=line + "\n")
    assert decisions(cli) == ({"alice": 4, "bob": 3}, 3)


# -- 5. a journal replaced by a symlink -------------------------------------------------------------


def test_a_symlinked_journal_is_damage_and_repair_makes_it_a_file(store_path, cli):
    exs, _ = desk(store_path)
    path = journal(store_path, "alice")
    real = store_path / "elsewhere.jsonl"
    path.rename(real)
    path.symlink_to(real)
    line = json.dumps({"article": exs[0].article.id, "candidate": exs[0].entities[0]["id"], "action": "reject"})
    refused = cli("apply", "-", "--reviewer", "alice", input=line + "\n", check=1)  # what doctor must report
    assert "Too many levels of symbolic links" in refused.stderr

    check = cli("doctor", check=1)
    no_traceback(check)
    (damage,) = damaged_lines(check)
    assert damage.startswith(f"damaged: {path} is a symbolic link (to {real})")

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"replaced the symbolic link {path}" in repair.stdout
    assert not path.is_symlink() and path.read_bytes() == real.read_bytes()  # its target is left as it was
    assert cli("doctor").stdout.strip().endswith("healthy")
    cli("apply", "-", "--reviewer", "alice", input=line + "\n")
    assert decisions(cli) == ({"alice": 4, "bob": 3}, 3)


# -- 6. the cache after a repair --------------------------------------------------------------------


def test_repair_drops_the_cache_it_makes_stale(store_path, cli):
    desk(store_path)
    cli("status")
    assert (store_path / "cache" / "decisions.json").exists()
    journal(store_path, "bob").unlink()

    repair = cli("doctor", "--repair")
    assert "recorded that the journal of 'bob' is lost" in repair.stdout
    assert "deleted the derived cache" in repair.stdout
    status = cli.json("status", "--json")
    assert set(status["reviewers"]) == {"alice"} and status["decisions"] == 3
    articles = cli("articles", "--format", "tsv").stdout
    shutil.rmtree(store_path / "cache", ignore_errors=True)
    assert cli.json("status", "--json")["reviewers"] == status["reviewers"]
    assert cli("articles", "--format", "tsv").stdout == articles  # the same as with no cache at all
    assert status["disputed"] == 0


# -- 7. a cut last line -----------------------------------------------------------------------------


def test_a_recorded_last_line_cut_short_is_one_consistent_message(store_path, cli):
    desk(store_path)
    path = journal(store_path, "bob")
    data = path.read_bytes()
    path.write_bytes(data[:-20])  # the mark records 3 lines: the third was saved and acknowledged
    left = len(data.split(b"\n")[2]) + 1 - 20

    check = cli("doctor", check=1)
    assert damaged_lines(check) == [
        f"damaged: {path} has 2 complete lines but 3 were recorded: it was truncated "
        f"(line 3 is cut short: {left} bytes are left of it)"
    ]
    assert "never acknowledged" not in check.stdout and "note:" not in check.stdout

    repair = cli("doctor", "--repair")
    assert (
        f"dropped what was left of line 3 ({left} bytes)" in repair.stdout and "that decision is lost" in repair.stdout
    )
    assert "never acknowledged" not in repair.stdout
    (backup,) = backups(store_path)
    assert (backup / "journals" / path.name).read_bytes() == data[:-20]
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 2}, 3)


def test_an_unrecorded_torn_tail_is_only_a_note(store_path, cli):
    desk(store_path)
    path = journal(store_path, "bob")
    torn = b'{"seq":4,"ops":[["decisions"'
    with open(path, "ab") as fh:
        fh.write(torn)  # a crash while writing: never acknowledged
    check = cli("doctor")
    assert not damaged_lines(check)
    assert (
        f"note: {path} ends with an incomplete line ({len(torn)} bytes) left by a crash; it was never acknowledged"
        in (check.stdout)
    )
    assert check.stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


def test_repair_of_a_healthy_store_changes_nothing(store_path, cli):
    desk(store_path)
    before = {p: p.read_bytes() for p in store_path.rglob("*") if p.is_file() and os.path.getsize(p)}
    repair = cli("doctor", "--repair")
    assert repair.stdout.strip() == "nothing needed repair" and not backups(store_path)
    assert {p: p.read_bytes() for p in before} == before
