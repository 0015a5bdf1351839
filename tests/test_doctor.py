"""`newsreview doctor`: damage is found, named and, with --repair, mended after a backup."""

from __future__ import annotations

import json
from pathlib import Path

from tui.store import ReviewStore
from tui.store.folder import journal_slug

from support import make_extraction


def three_articles(path):
    texts = ["First article about Iran.", "Second article about Russia.", "Third article about Kyiv."]
    exs = [make_extraction(t, [(t.split()[-1].rstrip("."), "GPE")]) for t in texts]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        for ex in exs:
            st.add_article(ex)
        for ex in exs:
            st.decide(ex.article.id, ex.entities[0]["id"], "accept")
            st.decide(ex.article.id, ex.entities[0]["id"], "reject")
        rows = [st.article_info(ex.article.id) for ex in exs]
    return exs, rows


def test_healthy_store(store_path, cli):
    three_articles(store_path)
    out = cli("doctor")
    assert out.stdout.strip().endswith("healthy")


def test_a_journal_written_while_doctor_reads_it_is_not_truncated(store_path, monkeypatch):
    """QA: doctor beside a running ``apply`` said "has 14653 complete lines but 15000 were recorded:
    it was truncated" of a healthy journal (read, then the writer appended and marked, then the mark
    read). Here the writer decides between the two reads."""
    from tui.store import doctor

    exs, _ = three_articles(store_path)
    (journal,) = (store_path / "journals").glob("ana-*.jsonl")
    real = doctor.read_file

    def read_file(path):  # type: ignore[no-untyped-def]
        data = real(path)
        if Path(path) == journal:
            with ReviewStore.open(store_path, write=True, reviewer="ana") as st:  # appends, and marks
                for ex in exs:
                    st.decide(ex.article.id, ex.entities[0]["id"], "accept")
        return data

    monkeypatch.setattr(doctor, "read_file", read_file)
    scan = doctor.scan_journal(journal)
    assert scan.problems == [] and not scan.truncated


def test_a_journal_copied_over_another_reviewer_s_is_damage(store_path, cli):
    """QA: bob's journal copied by hand over ana's, without its mark, was read as ana's (status and
    doctor: healthy; ana's own view showed bob's decisions)."""
    exs, _ = three_articles(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="bob") as st:
        st.decide(exs[0].article.id, exs[0].entities[0]["id"], "reject")
    journals = store_path / "journals"
    ana, bob = journals / f"{journal_slug('ana')}.jsonl", journals / f"{journal_slug('bob')}.jsonl"
    ana.write_bytes(bob.read_bytes())
    (journals / f"{ana.name}.mark").unlink()
    status = cli("status", check=1)
    assert f"damaged: {ana} line 1 was written by reviewer 'bob', whose journal this is not" in status.stderr
    doctor = cli("doctor", check=1)
    assert "line 1 was written by reviewer 'bob', whose journal this is not" in doctor.stdout
    assert "repair will not guess" in cli("doctor", "--repair", check=1).stderr  # and changes nothing


def test_damaged_journal_line_is_named_then_repaired_with_a_backup(store_path, cli):
    exs, _ = three_articles(store_path)
    journal = store_path / "journals" / f"{journal_slug('ana')}.jsonl"
    lines = journal.read_bytes().split(b"\n")
    assert b'"reject"' in lines[1]
    lines[1] = lines[1].replace(b'"reject"', b'"rejekt"')
    journal.write_bytes(b"\n".join(lines))
    add = cli("apply", "-", "--reviewer", "ana", input="", check=1)  # refused: nothing is written
    assert f"{journal.name} line 2: checksum mismatch" in add.stderr and "newsreview doctor" in add.stderr
    check = cli("doctor", check=1)
    assert "damaged:" in check.stdout and "line 2: checksum mismatch" in check.stdout
    repair = cli("doctor", "--repair")
    assert "dropped line 2 (damaged)" in repair.stdout and "backup of every changed file" in repair.stdout
    backups = list(store_path.glob("doctor-backup-*/journals/*.jsonl"))
    assert backups and b"rejekt" in backups[0].read_bytes()
    assert cli("doctor").stdout.strip().endswith("healthy")
    with ReviewStore.open(store_path) as st:  # the other five decisions are kept
        assert sum(len(st.history(ex.article.id, ex.entities[0]["id"])) for ex in exs) == 5


def test_missing_and_swapped_article_files(store_path, cli):
    exs, rows = three_articles(store_path)
    files = [store_path / "articles" / r["shard"] for r in rows]
    files[0].rename(store_path / "articles" / "elsewhere.json")  # moved under another name
    files[2].unlink()  # lost
    export = cli("export", "--include", "all", check=1)  # the intact article is still exported
    assert [a["id"] for a in json.loads(export.stdout)["articles"]] == [exs[1].article.id]
    assert export.stderr.count("left out of the export") == 2 and "is missing" in export.stderr
    listed = cli("articles", "--format", "tsv", check=1)  # QA: listed like the others, exit 0
    assert listed.stdout.count("\n") == 3 and listed.stderr.startswith("newsreview: error: damaged: 2 article file(s)")
    assert json.loads(cli("articles", "--format", "json", check=1).stdout)[1].get("file_missing") is None
    check = cli("doctor", check=1)
    assert "it is in elsewhere.json instead" in check.stdout and "is missing" in check.stdout
    repair = cli("doctor", "--repair")
    assert "moved elsewhere.json back" in repair.stdout and "removed article" in repair.stdout
    assert cli("doctor").stdout.strip().endswith("healthy")
    exported = cli.json("export", "--include", "all")
    assert [a["id"] for a in exported["articles"]] == [exs[0].article.id, exs[1].article.id]
    status = cli("status").stdout
    assert "1 removed by doctor" in status


def test_lost_journal_and_unindexed_article(store_path, cli):
    exs, rows = three_articles(store_path)
    slug = journal_slug("ana")
    (store_path / "journals" / f"{slug}.jsonl").unlink()
    (store_path / "journals" / f"{slug}.jsonl.mark").unlink()
    index = store_path / "index.jsonl"
    lines = index.read_bytes().split(b"\n")
    assert b'"articles"' in lines[2] and b'"reviewers"' in lines[3]
    index.write_bytes(b"\n".join(lines[:2] + lines[3:]))  # the third article's line lost
    (store_path / "index.jsonl.mark").unlink()
    check = cli("doctor", check=1)
    assert "index.jsonl line 3: sequence 4 where 3 was due" in check.stdout
    assert "journal of reviewer 'ana'" in check.stdout and "is missing: their decisions are lost" in check.stdout
    assert "which is not indexed" in check.stdout
    repair = cli("doctor", "--repair")
    assert "recorded that the journal of 'ana' is lost" in repair.stdout
    assert f"indexed {rows[2]['shard']}" in repair.stdout
    assert cli("doctor").stdout.strip().endswith("healthy")
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        assert len(st.article_ids()) == 3
        st.decide(exs[2].article.id, exs[2].entities[0]["id"], "accept")  # ana carries on


def test_repair_refuses_while_someone_reviews(store_path, cli):
    three_articles(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="ana"):
        out = cli("doctor", "--repair", check=1)
    assert "close every newsreview on it" in out.stderr


def test_an_index_restored_from_an_older_backup_is_damage_not_a_note(store_path, cli):
    """QA (backups): the index copied back from a backup taken before an article was added, the
    journals kept: `doctor` said healthy (a note: "not indexed") while status and export left that
    article's decisions out."""
    texts = ["First article about Iran.", "Second article about Russia."]
    exs = [make_extraction(t, [(t.split()[-1].rstrip("."), "GPE")]) for t in texts]
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(exs[0])
    backup = {name: (store_path / name).read_bytes() for name in ("index.jsonl", "index.jsonl.mark")}
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(exs[1])
        st.decide(exs[1].article.id, exs[1].entities[0]["id"], "accept")
    for name, data in backup.items():
        (store_path / name).write_bytes(data)
    check = cli("doctor", check=1)
    assert "is not indexed, yet the journals hold 1 decision(s) on it" in check.stdout
    assert not check.stdout.strip().endswith("healthy")
    cli("doctor", "--repair")
    assert cli("doctor").stdout.strip().endswith("healthy")
    with ReviewStore.open(store_path) as st:
        assert st.candidate(exs[1].article.id, exs[1].entities[0]["id"], view="ana")["status"] == "accepted"


def test_an_index_without_its_mark_is_noted(store_path, cli):
    """QA (backups): a copy made with `rsync --exclude '*.mark'` — the journals' missing marks were
    noted, the index's not."""
    three_articles(store_path)
    (store_path / "index.jsonl.mark").unlink()
    out = cli("doctor")
    assert "index.jsonl has" in out.stdout and "lines and no mark" in out.stdout
    assert out.stdout.strip().endswith("healthy")  # a note: nothing is wrong that can be seen


def test_a_store_clock_that_cannot_be_read_is_said_and_repaired(store_path, cli):
    """QA re-test: `presence/clock` a folder (or a FIFO, a link): every writer fell back to its own
    clock, and `doctor` said healthy."""
    three_articles(store_path)
    clock = store_path / "presence" / "clock"
    clock.parent.mkdir(exist_ok=True)
    clock.unlink(missing_ok=True)
    clock.mkdir()
    check = cli("doctor", check=1)
    assert "presence/clock is a folder" in check.stdout and "the store's clock cannot be read" in check.stdout
    cli("doctor", "--repair")
    assert clock.is_file() and cli("doctor").stdout.strip().endswith("healthy")
