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
from tui.store.journal import encode_line

from support import CLI, make_extraction

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
    assert f"{path}: it is a symbolic link, not a file; run 'newsreview doctor'" in refused.stderr, refused.stderr
    assert "Too many levels" not in refused.stderr  # (ELOOP's own words misled: there is no loop)

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


# -- 8. not a store, or a store of another format: refused, nothing written -------------------------


def listing(root):
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    folder = tmp_path / "X"
    (folder / "photos").mkdir(parents=True)
    (folder / "notes.txt").write_text("hi\n")
    before = listing(folder)
    cli = CLI(folder)
    for args in (["doctor"], ["doctor", "--repair"]):
        out = cli(*args, check=1)
        no_traceback(out)
        assert out.stderr.count("\n") == 1 and f"{folder}: not a newsreview store" in out.stderr, out.stderr
        assert "nothing was changed" in out.stderr and not out.stdout
        assert listing(folder) == before


def test_a_store_of_a_newer_format_is_refused_not_rewritten(store_path, cli):
    desk(store_path)
    meta = store_path / "newsreview.json"
    doc = json.loads(meta.read_bytes())
    doc["_meta"]["1"]["format"] = "newsreview-store/3"
    meta.write_text(json.dumps(doc))
    before = listing(store_path)
    for args in (["doctor"], ["doctor", "--repair"]):
        out = cli(*args, check=1)
        no_traceback(out)
        assert out.stderr.count("\n") == 1 and "'newsreview-store/3'" in out.stderr and str(meta) in out.stderr
        assert "nothing was changed" in out.stderr
        assert listing(store_path) == before
    assert not backups(store_path)


# -- 9. a journal line whose checksum matches but whose records are not newsreview's ------------------


@pytest.mark.parametrize(
    "where, ops, why",
    [
        ("index", [["reviewers", 9, {"name": "x"}]], "a 'reviewers' record without 'journal'"),
        ("index", [["articles", 9]], 'a record of the wrong shape (["articles",9])'),
        ("bob", [["decisions", 4, {"x": 1}]], "a 'decisions' record without 'id'"),
        ("bob", [["decisions", 4, {"article": "a", "candidate": "c"}]], "a 'decisions' record without 'id'"),
    ],
    ids=["index-no-journal", "index-two-items", "journal-no-article", "journal-some-keys"],
)
def test_a_line_of_the_wrong_shape_is_damage_and_dropped(store_path, cli, where, ops, why):
    desk(store_path)
    path = store_path / "index.jsonl" if where == "index" else journal(store_path, where)
    lines = path.read_bytes().count(b"\n")
    with open(path, "ab") as fh:
        fh.write(encode_line(lines + 1, ops))
    damage = f"{path} line {lines + 1}: {why}"

    for args in (["status"], ["export", "--include", "all"]):
        refused = cli(*args, check=1)
        no_traceback(refused)
        assert refused.stderr.count("\n") == 1 and f"damaged: {damage}" in refused.stderr, refused.stderr
    check = cli("doctor", check=1)
    no_traceback(check)
    (line,) = damaged_lines(check)
    assert line.startswith(f"damaged: {damage}")

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"{path}: dropped line {lines + 1} (damaged)" in repair.stdout
    (backup,) = backups(store_path)
    assert (backup / path.relative_to(store_path)).read_bytes().count(b"\n") == lines + 1
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 10. an article file that is not one: into the backup with its article's removal ---------------


def test_a_garbage_article_file_goes_into_the_backup_so_the_article_can_be_added_again(store_path, cli):
    exs, rows = desk(store_path)
    bad = store_path / "articles" / rows[1]["shard"]
    bad.write_bytes(b"garbage\n")

    check = cli("doctor", check=1)
    assert damaged_lines(check) == [
        f"damaged: article '{exs[1].article.id}' ({bad}) is not a newsreview article file (unreadable)"
    ]
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"repaired: moved {bad} into the backup" in repair.stdout
    assert f"removed article '{exs[1].article.id}' from the index" in repair.stdout
    (backup,) = backups(store_path)
    assert (backup / "articles" / bad.name).read_bytes() == b"garbage\n" and not bad.exists()
    assert cli("doctor").stdout.strip().endswith("healthy")
    with ReviewStore.open(store_path, write=True, reviewer="alice") as st:  # no dead end: it can be added again
        assert st.add_article(exs[1]) == ("added", exs[1].article.id)
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)  # the decisions on it are shown again


def test_an_unindexed_file_that_is_not_an_article_is_damage(store_path, cli):
    desk(store_path)
    stray = store_path / "articles" / "0123456789abcdef.json"
    stray.write_bytes(b"{not json")
    check = cli("doctor", check=1)
    (line,) = damaged_lines(check)
    assert line.startswith(f"damaged: {stray} is not a newsreview article file")
    repair = cli("doctor", "--repair")
    assert f"moved {stray} into the backup" in repair.stdout
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 11. a lost index: damaged and swapped article files are named, moved back, reported ------------


def test_a_lost_index_with_swapped_and_damaged_article_files_loses_nothing_silently(store_path, cli):
    exs, rows = desk(store_path)
    files = [store_path / "articles" / r["shard"] for r in rows]
    a, b = files[0].read_bytes(), files[1].read_bytes()
    files[0].write_bytes(b)  # a swap
    files[1].write_bytes(a)
    files[2].write_bytes(b"garbage")
    (store_path / "index.jsonl").unlink()

    check = cli("doctor", check=1)
    no_traceback(check)
    damage = "\n".join(damaged_lines(check))
    assert f"{files[0]} holds article '{exs[1].article.id}', which is not indexed, under another" in damage
    assert f"{files[1]} holds article '{exs[0].article.id}', which is not indexed, under another" in damage
    assert f"{files[2]} is not a newsreview article file" in damage

    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"moved {files[0].name} back to {files[1].name}" in repair.stdout
    assert f"moved {files[2]} into the backup" in repair.stdout
    assert (
        f"article '{exs[2].article.id}': no article file holds it, so the decisions on it are not shown"
        in repair.stdout
    )
    assert files[0].read_bytes() == a and files[1].read_bytes() == b
    assert cli("doctor").stdout.strip().endswith("healthy")
    exported = cli.json("export", "--include", "all")
    assert sorted(x["id"] for x in exported["articles"]) == sorted([exs[0].article.id, exs[1].article.id])
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 2)  # the journals keep every decision
    with ReviewStore.open(store_path, write=True, reviewer="alice") as st:  # adding it again shows its decisions
        assert st.add_article(exs[2])[0] == "added"
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 12. several files hold the article: the one that fits the index is found -----------------------


def test_the_intact_copy_is_found_among_several_files_holding_the_article(store_path, cli):
    _, rows = desk(store_path)
    own = store_path / "articles" / rows[0]["shard"]
    good = own.read_bytes()
    doc = json.loads(good)
    doc["article"]["1"]["text"] = doc["article"]["1"]["text"].replace("First", "Frist")  # an older version
    older = store_path / "articles" / "0000000000000000.json"  # sorts first
    older.write_text(json.dumps(doc))
    copy = store_path / "articles" / "ffffffffffffffff.json"
    copy.write_bytes(good)
    own.write_bytes(b"garbage")

    check = cli("doctor", check=1)
    assert f"it is in {copy.name} instead" in check.stdout
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"moved {copy.name} back to {own.name}" in repair.stdout and "removed article" not in repair.stdout
    assert own.read_bytes() == good
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 13. a lost index and a lost journal: the reviewer is registered under their own name -----------


@pytest.mark.parametrize("name", ["carol", "Carol Ann", "Ana María"])
def test_a_lost_journal_without_an_index_keeps_the_reviewers_name(store_path, cli, name):
    exs, _ = desk(store_path)
    with ReviewStore.open(store_path, write=True, reviewer=name) as st:
        st.decide(exs[0].article.id, exs[0].entities[0]["id"], "accept")
    (store_path / "index.jsonl").unlink()
    journal(store_path, name).unlink()  # its mark is kept

    check = cli("doctor", check=1)
    findable = name != "Ana María"  # its slug ('ana-mar-a') does not say the name
    who = f"reviewer '{name}'" if findable else "a reviewer"
    assert f"damaged: the journal of {who} ({journal(store_path, name)}) is missing" in check.stdout
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    if findable:
        assert f"recorded that the journal of '{name}' is lost" in repair.stdout
    else:
        assert "their name could not be found" in repair.stdout
    assert journal_slug(name) not in repair.stdout.replace(f"{journal_slug(name)}.jsonl", "")
    assert cli("doctor").stdout.strip().endswith("healthy")
    line = json.dumps({"article": exs[1].article.id, "candidate": exs[1].entities[0]["id"], "action": "reject"})
    cli("apply", "-", "--reviewer", name, input=line + "\n")
    assert decisions(cli) == ({"alice": 3, "bob": 3, name: 1}, 3)


# -- 14. what a lost or damaged index loses: re-extractions, and the decisions they alone held ------


def reextracted(store_path):
    exs, _ = desk(store_path)
    text = TEXTS[0]
    again = make_extraction(text, [("Iran", "GPE"), ("First", "ORDINAL")])
    new = next(c for c in again.entities if c["label"] == "ORDINAL")
    with ReviewStore.open(store_path, write=True, reviewer="alice") as st:
        assert st.reextract(again)["new"] == 1
        st.decide(exs[0].article.id, new["id"], "accept")
    return exs


def test_a_lost_index_says_which_reextractions_and_decisions_are_no_longer_shown(store_path, cli):
    exs = reextracted(store_path)
    (store_path / "index.jsonl").unlink()
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert "every re-extraction ('newsreview reextract')" in repair.stdout
    assert (
        f"repaired: article '{exs[0].article.id}': decisions on 1 candidate(s) that only a re-extraction held "
        "are no longer shown (they stay in the journals" in repair.stdout
    )
    assert cli("doctor").stdout.strip().endswith("healthy")


def test_a_damaged_reextraction_line_says_what_is_lost(store_path, cli):
    exs = reextracted(store_path)
    index = store_path / "index.jsonl"
    lines = index.read_bytes().split(b"\n")
    (n,) = [i for i, line in enumerate(lines) if b'["extractions"' in line]
    lines[n] = lines[n].replace(b'"ORDINAL"', b'"ORDINAX"')
    index.write_bytes(b"\n".join(lines))
    check = cli("doctor", check=1)
    assert f"line {n + 1}: checksum mismatch" in check.stdout
    assert f"it recorded a re-extraction of article '{exs[0].article.id}'" in check.stdout
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert f"dropped line {n + 1} (damaged): it recorded a re-extraction of article '{exs[0].article.id}'" in (
        repair.stdout
    )
    assert "decisions on candidates only this re-extraction held are no longer shown" in repair.stdout
    assert cli("doctor").stdout.strip().endswith("healthy")


# -- 15. a FIFO where a cache or lock file goes -------------------------------------------------------


def test_a_fifo_in_place_of_a_cache_or_lock_file_is_damage_and_replaced(store_path, cli):
    desk(store_path)
    cli("status")
    cache = store_path / "cache" / "decisions.json"
    locks = [store_path / "index.lock", store_path / "journals" / f"{journal_slug('bob')}.lock"]
    for path in [cache, *locks]:
        path.unlink(missing_ok=True)
        os.mkfifo(path)

    check = cli("doctor", check=1, timeout=60)
    no_traceback(check)
    assert len(damaged_lines(check)) == 3
    for path in [cache, *locks]:
        assert f"damaged: {path} is not a regular file (a FIFO, socket or device)" in check.stdout

    repair = cli("doctor", "--repair", timeout=60)
    no_traceback(repair)
    for path in locks:
        assert path.is_file() and path.stat().st_size == 0
        assert f"wrote an empty lock file {path}" in repair.stdout
    assert not os.path.lexists(cache)
    assert cli("doctor", timeout=60).stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)
    cli("apply", "-", "--reviewer", "bob", input="", timeout=60)


# -- 16. a recorded last line cut off whole; the index and its mark deleted --------------------------


def test_a_recorded_last_line_cut_off_whole_says_that_decision_is_lost(store_path, cli):
    desk(store_path)
    path = journal(store_path, "bob")
    data = path.read_bytes()
    path.write_bytes(b"".join(line + b"\n" for line in data.split(b"\n")[:2]))
    check = cli("doctor", check=1)
    assert damaged_lines(check) == [f"damaged: {path} has 2 complete lines but 3 were recorded: it was truncated"]
    repair = cli("doctor", "--repair")
    assert f"{path}: line 3, which its mark had recorded, is gone (cut off): those decisions are lost" in (
        repair.stdout
    )
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 2}, 3)


def test_an_index_deleted_with_its_mark_is_not_healthy(store_path, cli):
    desk(store_path)
    index = store_path / "index.jsonl"
    index.unlink()
    (store_path / "index.jsonl.mark").unlink()
    check = cli("doctor", check=1)
    assert damaged_lines(check) == [
        f"damaged: {index} is missing (and so is its mark), but the store holds article files or journals: "
        "they are not shown"
    ]
    repair = cli("doctor", "--repair")
    assert repair.stdout.count("repaired: indexed ") == 3
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


# -- 17. a FIFO where a file every command reads goes ------------------------------------------------


@pytest.mark.parametrize("which", ["journal", "journal mark", "index mark", "decisions cache", "article"])
def test_a_fifo_in_place_of_a_file_commands_read_is_refused_not_waited_on(store_path, cli, which):
    """QA: a named pipe where a journal, a mark, the decisions cache or an article file goes made
    ``status``, ``export`` and ``apply`` block forever on opening it (only ``doctor`` said what it
    was). Each now refuses it at once, naming the file (a cache is only a cache: rebuilt)."""
    _, rows = desk(store_path)
    cli("status")
    path = {
        "journal": journal(store_path, "bob"),
        "journal mark": journal(store_path, "bob").with_suffix(".jsonl.mark"),
        "index mark": store_path / "index.jsonl.mark",
        "decisions cache": store_path / "cache" / "decisions.json",
        "article": store_path / "articles" / rows[0]["shard"],
    }[which]
    assert path.is_file(), path
    path.unlink()
    os.mkfifo(path)
    for args in (["status"], ["export", "-o", os.devnull], ["apply", "-", "--reviewer", "alice"]):
        proc = cli(*args, input="", check=None, timeout=60)  # (a hang fails on the timeout)
        no_traceback(proc)
        if which == "decisions cache":
            assert proc.returncode == 0, (args, proc.stderr)
            continue
        if which == "article":  # the article is damaged and said so; the rest of the store still reads
            if args[0] == "status":
                assert proc.returncode == 1 and "1 article file missing, not a file or damaged" in proc.stdout
            elif args[0] == "export":
                assert proc.returncode == 1 and "not a regular file (left out of the export)" in proc.stderr
            continue
        assert proc.returncode != 0, (args, proc.stdout, proc.stderr)
        assert str(path) in proc.stderr and "not a regular file" in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


# -- 18. a journal or index copied here, with its mark, from another store or another reviewer --------


@pytest.mark.parametrize("what", ["index", "journal of another store", "another reviewer's journal"])
def test_a_journal_copied_from_elsewhere_with_its_mark_is_damage(store_path, cli, tmp_path, what):
    """QA: another store's ``index.jsonl`` (with its mark) made ``export`` show 1 article of 3 and
    every command exit 0; another store's journal of the same reviewer, or bob's journal over alice's,
    replaced her decisions without a word. A mark now names the store and the file it was written
    for: each command refuses the copy, ``doctor`` names it, and repair will not guess whose it is."""
    desk(store_path)
    other = tmp_path / "other"
    desk(other)  # the same articles and reviewers, another store
    if what == "index":
        src, dst = other / "index.jsonl", store_path / "index.jsonl"
    elif what == "journal of another store":
        src, dst = journal(other, "alice"), journal(store_path, "alice")
    else:
        src, dst = journal(store_path, "bob"), journal(store_path, "alice")
    for suffix in ("", ".mark"):
        shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
    before = {p: p.read_bytes() for p in store_path.rglob("*.json*") if "cache" not in p.parts}
    said = "belongs to another store" if what != "another reviewer's journal" else "is another journal's copy"
    for args in (["status"], ["export", "-o", os.devnull]):
        proc = cli(*args, check=1)
        no_traceback(proc)
        assert f"damaged: {dst} {said}" in proc.stderr, (args, proc.stderr)
    line = json.dumps({"article": "a-x", "candidate": "e-x", "action": "accept"})
    proc = cli("apply", "-", "--reviewer", "alice", input=line + "\n", check=1)
    assert said in proc.stderr + proc.stdout
    check = cli("doctor", check=1)
    no_traceback(check)
    assert any(f"{dst} {said}" in line for line in damaged_lines(check)), check.stdout
    repair = cli("doctor", "--repair", check=None)
    no_traceback(repair)
    assert repair.returncode != 0 and "repair will not guess" in repair.stdout + repair.stderr
    after = {p: p.read_bytes() for p in store_path.rglob("*.json*") if "cache" not in p.parts}
    assert after == before  # nothing was rewritten


def test_a_duplicated_journal_line_is_dropped_not_replayed(store_path, cli):
    """QA: ``sed -i '3p'`` on a journal (the undo copied once more) and ``doctor --repair`` kept the
    copy under a new sequence number: the undo ran twice and an acknowledged accept went back to
    pending, with nothing said. A line that repeats an earlier one word for word is dropped, by name."""
    exs, _ = desk(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="alice") as st:
        st.decide(exs[0].article.id, exs[0].entities[0]["id"], "reject")
        st.undo_last()  # back to alice's accept
    path = journal(store_path, "alice")
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 5
    path.write_bytes(b"".join([*lines, lines[-1]]))  # the undo, twice
    check = cli("doctor", check=1)
    no_traceback(check)
    assert f"damaged: {path} line 6: repeats line 5 word for word (a duplicated line); repair drops it" in (
        damaged_lines(check)
    )
    repair = cli("doctor", "--repair")
    no_traceback(repair)
    assert cli("doctor").stdout.strip().endswith("healthy")
    assert len(path.read_bytes().splitlines()) == 5
    assert f"{path}: dropped line 6 (a copy of line 5)" in repair.stdout
    mark = json.loads(path.with_name(path.name + ".mark").read_bytes())  # the mark repair wrote is bound
    store_id = json.loads((store_path / "newsreview.json").read_bytes())["_meta"]["1"]["store_id"]
    assert (mark["lines"], mark["store"], mark["file"]) == (5, store_id, path.name)
    with ReviewStore.open(store_path, reviewer="alice") as st:
        statuses = {c["id"]: c["status"] for c in st.candidates(exs[0].article.id)}
    # the undo ran once: alice's accept stands against bob's reject (twice, hers went back to pending
    # and bob's reject alone would be the final view)
    assert statuses[exs[0].entities[0]["id"]] == "disputed"


def test_a_journal_without_a_mark_is_a_note(store_path, cli):
    """QA: with its mark deleted, a journal cut at its end (acknowledged decisions gone) read as
    healthy and doctor did not even say the mark was missing. What cannot be seen is said."""
    desk(store_path)
    path = journal(store_path, "bob")
    path.with_name(path.name + ".mark").unlink()
    check = cli("doctor")
    assert not damaged_lines(check)
    assert f"note: {path} has 3 lines and no mark: had lines been cut from its end, nothing would show it" in (
        check.stdout
    )
    assert check.stdout.strip().endswith("healthy")


def test_lines_a_killed_writer_left_unmarked_are_marked_by_the_next(store_path, cli):
    """QA: each process counted its 500 lines to the next mark from zero, and a killed writer's lines
    after the last mark stayed unmarked for good — 1,000 acknowledged decisions cut from a journal read
    as healthy. The next writer of that journal marks them when it opens it."""
    import subprocess
    import sys

    exs, _ = desk(store_path)
    path = journal(store_path, "bob")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "apply", "-", "--store", str(store_path), "--reviewer", "bob"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    for ex in exs[:2]:
        proc.stdin.write(json.dumps({"article": ex.article.id, "candidate": ex.entities[0]["id"], "action": "accept"}))
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["ok"] is True  # acknowledged: on disk
    proc.kill()  # kill -9: no mark for these two
    proc.wait()
    assert len(path.read_bytes().splitlines()) == 5
    with ReviewStore.open(store_path, write=True, reviewer="bob"):
        pass  # bob's next session, deciding nothing
    assert json.loads(path.with_name(path.name + ".mark").read_bytes())["lines"] == 5
    path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:3]))  # the two cut off
    check = cli("doctor", check=1)
    assert any("has 3 complete lines but 5 were recorded: it was truncated" in line for line in damaged_lines(check))


def test_a_candidate_whose_label_was_changed_in_its_file_is_damage(store_path, cli):
    """QA: a label rewritten inside an article file ("EVIL") passed doctor and went out in the
    export. A candidate's id is made from its article, span and label, so the change shows: that
    article is damaged (named), the others export as ever."""
    exs, _ = desk(store_path)
    first = next(p for p in (store_path / "articles").glob("*.json") if article_in(p) == exs[0].article.id)
    data = json.loads(first.read_bytes())
    (key,) = [k for k, c in data["candidates"].items() if c["kind"] == "entity"][:1]
    data["candidates"][key]["label"] = "EVIL"
    first.write_text(json.dumps(data))
    check = cli("doctor", check=1)
    (line,) = damaged_lines(check)
    assert exs[0].article.id in line and "whose span or label is not the one it was made with" in line
    no_traceback(check)
    out = cli("export", "--include", "all", check=1)
    assert "EVIL" not in out.stdout and len(json.loads(out.stdout)["articles"]) == len(exs) - 1
    assert "left out of the export" in out.stderr


def test_a_decisions_cache_edited_by_hand_is_not_believed(store_path, cli):
    """QA: a cache/decisions.json that parsed but held other numbers was believed: status showed 1020
    of 163 candidates reviewed. The cache ends in a CRC-32 of itself now; one that does not match is
    rebuilt from the journals, as a missing one is."""
    from tui.store.files import unsealed

    desk(store_path)
    truth = cli.json("status", "--json")
    cache = store_path / "cache" / "decisions.json"
    data = unsealed(cache.read_bytes())
    assert data is not None
    for summary in data["articles"].values():  # as QA did: 999 accepted
        summary["final"] = {"GPE": {"accepted": 999}}
    for version in (4, data["v"]):  # the format QA edited (plain JSON), and today's with its seal cut off
        cache.write_bytes(json.dumps({**data, "v": version}).encode())
        seen = cli.json("status", "--json")
        assert {k: v for k, v in seen.items() if k != "size"} == {k: v for k, v in truth.items() if k != "size"}


def test_one_damaged_article_leaves_the_others_usable_with_the_cache_gone(store_path, cli):
    """QA (desk admin): with cache/decisions.json deleted ("safe to delete"), one article whose text
    was changed made status, articles and agreement fail, `export --article` of a healthy article
    export nothing and apply on a healthy article fail: the desk memory, built over every decided
    article, let the damaged one's error escape. It names that article; the others work."""
    exs, _ = desk(store_path)
    damaged = next(p for p in (store_path / "articles").glob("*.json") if article_in(p) == exs[0].article.id)
    data = json.loads(damaged.read_bytes())
    data["article"]["1"]["text"] = "X" + data["article"]["1"]["text"][1:]
    damaged.write_bytes(json.dumps(data).encode())
    shutil.rmtree(store_path / "cache")
    healthy = exs[1].article.id
    exported = cli.json("export", "--article", healthy, "--include", "all")
    assert [a["id"] for a in exported["articles"]] == [healthy]
    whole = cli("export", "--include", "all", "-o", "-", check=1)
    no_traceback(whole)
    assert sorted(a["id"] for a in json.loads(whole.stdout)["articles"]) == sorted(e.article.id for e in exs[1:])
    assert exs[0].article.id in whole.stderr
    for args in (["articles"], ["agreement"]):
        no_traceback(cli(*args, check=None))
    line = json.dumps({"article": healthy, "candidate": exs[1].entities[0]["id"], "action": "reject"})
    cli("apply", "-", "--reviewer", "alice", input=line + "\n")
    status = cli("status", "--json", check=1)  # the damage is said, in the exit code too
    summary = json.loads(status.stdout)
    assert summary["damaged_articles"] == [exs[0].article.id]
    assert {name: r["decisions"] for name, r in summary["reviewers"].items()} == {"alice": 4, "bob": 3}


def test_an_index_lost_with_its_mark_is_refused_not_shown_as_an_empty_store(store_path, cli):
    """QA: with index.jsonl and its mark both deleted, status said "articles 0" (exit 0), export wrote
    an empty file and migrate copied an empty store, "verified". Doctor found it; now every command
    that opens the store says so."""
    desk(store_path)
    index = store_path / "index.jsonl"
    index.unlink()
    (store_path / "index.jsonl.mark").unlink()
    said = f"damaged: {index} is missing (and so is its mark), but the store holds article files or journals"
    for args in (["status"], ["export", "-o", os.devnull], ["articles"]):
        proc = cli(*args, check=1)
        no_traceback(proc)
        assert said in proc.stderr, (args, proc.stderr)
    assert not index.exists()
    cli("doctor", "--repair")
    assert decisions(cli) == ({"alice": 3, "bob": 3}, 3)


@pytest.mark.parametrize("token", ["abc", [21, 300], [0, 2]])
def test_damaged_token_offsets_are_damage(store_path, cli, token):
    """QA: a token of an article file changed by hand ("abc", or offsets overlapping their neighbours)
    passed doctor as healthy; an `apply` add then stopped with "internal error: ValueError", and a
    Prodigy export wrote tokens cut mid-word. The file is damaged: said, by doctor too."""
    exs, _ = desk(store_path)
    path = next(p for p in (store_path / "articles").glob("*.json") if article_in(p) == exs[0].article.id)
    data = json.loads(path.read_bytes())
    data["article"]["1"]["tokens"][2] = token
    path.write_bytes(json.dumps(data).encode())
    check = cli("doctor", check=1)
    no_traceback(check)
    assert any("has token offsets that do not fit the text (token 2:" in line for line in damaged_lines(check))
    line = json.dumps(
        {"article": exs[0].article.id, "action": "add", "kind": "entity", "start": 0, "end": 5, "label": "ORG"}
    )
    proc = cli("apply", "-", "--reviewer", "carol", input=line + "\n", check=None)
    no_traceback(proc)
    assert "has token offsets that do not fit the text" in proc.stdout + proc.stderr
