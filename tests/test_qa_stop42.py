"""What stop 42 found: an accept or reject that changes nothing writes nothing; a desk of several
Unix users on one store folder."""

from __future__ import annotations

import json

import pytest

from tui.app.app import ReviewApp
from tui.store import ReviewStore, Unchanged

from support import dispute, open_as


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


def _as_umask(mask: int):
    import os

    return lambda: os.umask(mask)


def test_a_store_s_files_take_its_folder_s_access_whatever_the_writer_s_umask(tmp_path):
    """QA (a desk of Unix users): every file was 644 whatever the folder, so under a desk's umask 002
    only the store's creator could add, assign or lock the index; one member with umask 077 made a
    private journal that stopped every other member's commands."""
    import os
    import stat
    import subprocess
    import sys

    from support import ROOT

    desk = tmp_path / "desk"
    desk.mkdir()
    os.chmod(desk, 0o2775)
    article = tmp_path / "a.txt"
    article.write_text("Angela Merkel visited Paris on Monday.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSREVIEW_STORE": str(desk)}

    def run(*args, mask=0o077, stdin=None):
        return subprocess.run(
            [sys.executable, "-m", "tui", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            preexec_fn=_as_umask(mask),
            check=True,
        )

    run("add", str(article), "--model", "blank:en")
    with ReviewStore.open(desk) as st:
        aid = st.article_ids()[0]
    added = {"article": aid, "action": "add", "kind": "entity", "start": 0, "end": 13, "label": "PERSON"}
    run("apply", "-", "--reviewer", "alice", stdin=json.dumps(added) + "\n")
    run("leads", "lena", "--reviewer", "lena")
    run("status")
    modes = {str(p.relative_to(desk)): stat.S_IMODE(p.stat().st_mode) for p in desk.rglob("*") if not p.is_symlink()}
    assert {"index.jsonl", "index.lock", "articles", "journals", "cache"} <= set(modes), modes
    assert any(name.startswith("journals/alice-") and name.endswith(".jsonl") for name in modes), modes
    assert modes and all(m == (0o2775 if (desk / name).is_dir() else 0o664) for name, m in modes.items()), modes
    out = tmp_path / "mine.json"
    run("export", "-o", str(out))  # the analyst's own file: as the umask says
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_doctor_notes_a_private_file_and_its_owner_s_repair_opens_it_up(tmp_path, cli):
    import os
    import stat

    desk = cli.store
    desk.mkdir()
    os.chmod(desk, 0o2775)
    with ReviewStore.open(desk, write=True, reviewer="alice") as st:
        from support import make_extraction

        ex = make_extraction("Ben Carter met Iran.", [("Ben Carter", "PERSON")], [])
        st.add_article(ex)
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    (journal,) = (desk / "journals").glob("*.jsonl")
    os.chmod(journal, 0o600)  # as a member's umask 077 made it before stores took their folder's modes
    said = cli("doctor").stdout
    assert "1 file(s) give less access than the store's folder (drwxrwsr-x)" in said, said
    assert f"journals/{journal.name} (" in said and "-rw-------" in said and said.rstrip().endswith("healthy")
    fixed = cli("doctor", "--repair").stdout
    assert "repaired: gave 1 file(s) the access of the store's folder" in fixed, fixed
    assert stat.S_IMODE(journal.stat().st_mode) == 0o664
    assert "less access" not in cli("doctor").stdout


@pytest.mark.parametrize("redirect", ["2>{log}", "2>&-"])
def test_the_review_screen_draws_on_the_terminal_with_stderr_sent_elsewhere(tmp_path, redirect):
    """QA: with ``2> log`` the app drew into the file and took keys on a blank screen; with ``2>&-`` it
    took a key and then could not quit."""
    import os
    import shlex
    import sys

    from app_support import InPty

    from support import ROOT, make_extraction

    store = tmp_path / "store"
    with ReviewStore.open(store, write=True, reviewer="ana") as st:
        ex = make_extraction("Kyiv held. Paris too.", [("Kyiv", "GPE"), ("Paris", "GPE")], [])
        st.add_article(ex)
    log = tmp_path / "err.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg")}
    command = " ".join(
        shlex.quote(a) for a in (sys.executable, "-m", "tui", "--store", str(store), "--reviewer", "ana")
    )
    term = InPty(["sh", "-c", f"exec {command} {redirect.format(log=shlex.quote(str(log)))}"], env, size=(120, 30))
    try:
        term.pump(60, until=b"decided here")
        assert b"decided here" in term.out  # drawn where the analyst looks
        term.pump(0.5)
        term.write(b"a")
        term.pump_until_decided(store, 1)
        term.write(b"q")
        term.pump(15, until=b"\x1b[?1049l")
        term.pump(5)
    finally:
        code = term.close()
    assert code == 0
    assert not log.exists() or b"\x1b[" not in log.read_bytes()


def test_a_link_planted_in_the_store_is_replaced_not_written_through(filled_store, cli, tmp_path):
    """QA (re-test): a desk member's symlink at cache/correction.json, cache/decisions.json or a
    presence file made another member's command overwrite the link's target (a file in her home)."""
    import os

    path, ex = filled_store
    aid = ex.article.id
    line = json.dumps({"article": aid, "candidate": ex.entities[0]["id"], "action": "accept"}) + "\n"
    cli("apply", "-", "--reviewer", "alice", input=line)
    cli("status")
    caches = sorted((path / "cache").glob("*.json"))
    assert caches
    secrets = []
    for n, cache in enumerate(caches):
        secret = tmp_path / f"secret{n}.txt"
        secret.write_text("SECRET\n", encoding="utf-8")
        cache.unlink()
        os.symlink(secret, cache)
        secrets.append(secret)
    (path / "presence").mkdir(exist_ok=True)
    with ReviewStore.open(path, write=True, reviewer="bob") as st:
        mine = path / "presence" / f"{st.engine.slug}.json"
        secret = tmp_path / "secret-presence.txt"
        secret.write_text("SECRET\n", encoding="utf-8")
        os.symlink(secret, mine)
        secrets.append(secret)
        st.engine.set_presence("bob", aid)
        st.decide(aid, ex.entities[1]["id"], "reject")
    cli("apply", "-", "--reviewer", "alice", input=json.dumps({**json.loads(line), "action": "reject"}) + "\n")
    cli("status")
    assert all(s.read_text(encoding="utf-8") == "SECRET\n" for s in secrets)
    assert not any(p.is_symlink() for p in (path / "cache").iterdir())
    assert not mine.is_symlink()


def test_json_and_tsv_keep_every_name_outside_a_utf8_locale(filled_store):
    """QA: under LC_ALL=C with PYTHONUTF8=0, "Zoë" and "Zoé" were both "Zo?" in ``status --json`` (one
    reviewer lost to a JSON parser), and ``articles --format tsv`` wrote ids a script could not use."""
    import os
    import subprocess
    import sys

    from support import ROOT

    path, ex = filled_store
    aid = ex.article.id
    for name, cid in (("Zoë", ex.entities[0]["id"]), ("Zoé", ex.entities[1]["id"])):
        with open_as(path, name) as st:
            st.decide(aid, cid, "accept")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO", "PYTHONUTF8"))}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONPATH=str(ROOT), NEWSREVIEW_STORE=str(path))

    def run(*args):
        return subprocess.run([sys.executable, "-X", "utf8=0", "-m", "tui", *args], env=env, capture_output=True)

    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    assert status.stdout.isascii()
    assert {"Zoë", "Zoé"} <= set(json.loads(status.stdout)["reviewers"])
    tsv = run("articles", "--format", "tsv").stdout.decode("utf-8")
    assert tsv.split("\t")[0] == aid
    line = json.dumps({"article": aid, "candidate": ex.entities[2]["id"], "action": "accept"}) + "\n"
    applied = subprocess.run(
        [sys.executable, "-X", "utf8=0", "-m", "tui", "apply", "-", "--reviewer", "Zoë"],
        env=env,
        input=line.encode(),
        capture_output=True,
    )
    assert json.loads(applied.stdout)["ok"] is True and applied.stdout.isascii()


def test_a_removed_current_folder_columns_of_0_and_a_name_too_long_are_said_in_one_line(filled_store, tmp_path):
    import os
    import subprocess
    import sys

    from support import ROOT

    path, _ = filled_store
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSREVIEW_STORE": str(path)}
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "status"],
        cwd=gone,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.rmdir(gone),  # (in the child, after its chdir)
    )
    assert proc.returncode == 1 and proc.stderr.startswith("newsreview: error: the current folder no longer exists")
    assert len(proc.stderr.splitlines()) == 1
    shown = subprocess.run(
        [sys.executable, "-m", "tui", "status"], env={**env, "COLUMNS": "0"}, capture_output=True, text=True
    )
    assert shown.returncode == 0 and "reviewers" in shown.stdout, shown
    long = subprocess.run(
        [sys.executable, "-m", "tui", "status", "--store", str(tmp_path / ("L" * 300))],
        env=env,
        capture_output=True,
        text=True,
    )
    assert long.returncode == 1 and long.stderr.endswith(": File name too long\n"), long.stderr
    assert "internal error" not in long.stderr and len(long.stderr.splitlines()) == 1


def test_articles_fits_a_terminal_of_40_columns(filled_store, cli):
    """Carried from QA (stop 40): ``articles`` at 40 columns was 58 wide; below 80 columns it has three
    columns, disputes beside the progress and assignees before the title (QA re-test: with an assignee
    or a dispute it was still 47 and 58 wide)."""
    import os

    from rich.cells import cell_len

    dispute(filled_store)
    cli("assign", "--team", "alice,bob", "--overlap", "2", "--reviewer", "lena")
    cli.env = {**cli.env, "COLUMNS": "40"}
    out = cli("articles").stdout
    assert all(cell_len(line) <= 40 for line in out.splitlines()), out
    assert "⚠1" in out and "│ alice, b" in out
    cli.env = {**os.environ, "NEWSREVIEW_STORE": str(cli.store), "COLUMNS": "120"}
    wide = cli("articles").stdout
    assert "disputed" in wide and "assigned" in wide


def test_the_store_keeps_the_views_of_a_few_articles_not_of_every_one_decided_on(tmp_path):
    """QA (memory): a view of every candidate was kept for each article ever decided on (0.2 MB each,
    never dropped): the app's memory grew with every article reviewed."""
    from tui.store.deciding import TWIN_VIEWS_KEPT

    from support import make_extraction

    with ReviewStore.open(tmp_path / "store", write=True, reviewer="ana") as st:
        for n in range(12):
            ex = make_extraction(f"Kyiv number {n} held.", [("Kyiv", "GPE")], [])
            st.add_article(ex)
            st.decide(ex.article.id, ex.entities[0]["id"], "accept")
            assert len(st._twin_views) <= TWIN_VIEWS_KEPT
        first = st.article_ids()[0]
        (cand,) = st.candidates(first)
        st.decide(first, cand["id"], "reject")  # an article whose view was dropped is read again
        assert st.candidate(first, cand["id"])["status"] == "rejected"


async def test_a_on_a_group_whose_mentions_are_all_decided_moves_on(tmp_path):
    """QA: `a` on "Mark Cuban ×5 5✗" wrote nothing, said nothing visible and stayed on the row."""
    from extractors.records import entity_candidate

    from support import make_extraction

    text = "Kyiv held. Kyiv again. Paris too."
    ex = make_extraction(text, [("Kyiv", "GPE"), ("Paris", "GPE")], [])
    second = entity_candidate(text, ex.article.id, 11, 15, "GPE", token_start=3, token_end=4, model="test")
    ex.entities.insert(1, second)
    st = ReviewStore.open(tmp_path / "store", write=True, reviewer="ana")
    try:
        st.add_article(ex)
        aid = ex.article.id
        for cand in ex.entities[:2]:
            st.decide(aid, cand["id"], "reject")
        app = ReviewApp(st, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            screen = app.screen
            for _ in range(5):  # up to the group row
                if screen.state.current_group() is not None:
                    break
                await pilot.press("k")
            assert screen.state.current_group() is not None
            await pilot.press("a")
            await pilot.pause()
            assert "is decided: nothing written" in screen.message
            assert screen.state.current_group() is None and screen.current()["text"] == "Paris"
        assert len(st.history(aid, ex.entities[2]["id"])) == 0
    finally:
        st.close()


def test_migrate_says_the_source_changed_while_it_was_copied(filled_store, tmp_path, monkeypatch):
    """QA: migrate of a store the desk was working on failed with "the copy … differs … line 1 of the
    exports (final) differs", as if the copy were bad: the source had changed meanwhile."""
    from tui.store import migrate as migrate_mod

    path, ex = filled_store
    aid = ex.article.id
    real = migrate_mod._verify

    def busy_desk(source, target, report):
        with open_as(path, "carol") as st:  # a decision while the copy is checked
            st.decide(aid, ex.entities[0]["id"], "reject")
        real(source, target, report)

    monkeypatch.setattr(migrate_mod, "_verify", busy_desk)
    report = migrate_mod.migrate(str(path), str(tmp_path / "copy"), reviewer="lead", holder="test")
    assert not report.verified and report.source_changed == "1 decision(s)"
    monkeypatch.setattr(migrate_mod, "_verify", real)
    again = migrate_mod.migrate(str(path), str(tmp_path / "copy"), reviewer="lead", holder="test")
    assert again.verified and again.source_changed is None and again.decisions.get("carol") == 1


def test_a_lead_s_accept_of_her_own_accepted_ruling_writes_nothing(filled_store):
    """Review: on a lead's view a key changes her ruling; a second accept of her accepted ruling ruled
    again, over the other lead's ruling made since."""
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "ann") as st:
        st.set_leads(["ann", "lee"])
    with open_as(path, "alice") as st:
        st.decide(aid, russia, "accept")
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "reject")
    with open_as(path, "ann") as st:
        st.adjudicate(aid, russia, action="accept")
    with open_as(path, "lee") as st:
        st.adjudicate(aid, russia, action="reject")
    with open_as(path, "ann") as st:
        assert st.candidate(aid, russia)["status"] == "accepted"  # her view: her ruling
        assert st.unchanged_by(aid, russia, "accept") == "accepted"
        with pytest.raises(Unchanged):
            st.decide_as_shown(aid, russia, "accept")
        assert st.candidate(aid, russia, view="final")["status"] == "rejected"  # lee's stands
        assert st.unchanged_by(aid, russia, "reject") is None
        st.decide_as_shown(aid, russia, "reject")
        assert st.candidate(aid, russia, view="final")["status"] == "rejected"


def test_no_mode_is_changed_through_a_link_put_in_a_file_s_or_folder_s_place(tmp_path, monkeypatch, cli):
    """Review: make_folder's chmod and doctor --repair's widening followed a link a desk member could put
    in place of the folder just made or the file listed: a private folder became 2777, a private key 664."""
    import os
    import stat

    from tui.store import access, files

    victim = tmp_path / "victim"
    victim.mkdir(mode=0o700)
    desk = tmp_path / "desk"
    desk.mkdir()
    os.chmod(desk, 0o2777)
    real_mkdir = os.mkdir

    def swapped(path, mode=0o777):
        real_mkdir(path, mode)
        os.rmdir(path)
        os.symlink(victim, path)  # in its place before the mode is set

    monkeypatch.setattr(files.os, "mkdir", swapped)
    files.make_folder(desk / "cache")
    monkeypatch.setattr(files.os, "mkdir", real_mkdir)
    assert stat.S_IMODE(victim.stat().st_mode) == 0o700

    key = tmp_path / "id_rsa"
    key.write_text("KEY", encoding="utf-8")
    os.chmod(key, 0o600)
    journal = desk / "journal.jsonl"
    journal.write_text("x", encoding="utf-8")
    os.chmod(journal, 0o600)
    (listed,) = access.narrower_than_folder(desk, names={"journal.jsonl"})
    journal.unlink()
    os.symlink(key, journal)  # after the listing, before the repair
    done, left = access.widen([listed])
    assert not done and left == [listed] and stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_app_s_export_replaces_a_link_in_the_store_never_its_target(filled_store, cli, tmp_path):
    """Review: E refused a link at STORE/export.json only before starting the export, whose child then
    followed a link put there meanwhile: the child itself does not follow one (--no-follow)."""
    import os

    path, _ = filled_store
    target = tmp_path / "someone-else.txt"
    target.write_text("THEIRS", encoding="utf-8")
    os.symlink(target, path / "export.json")
    cli("export", "-o", str(path / "export.json"), "--no-follow")
    assert target.read_text(encoding="utf-8") == "THEIRS"
    assert not (path / "export.json").is_symlink() and json.loads((path / "export.json").read_text())["articles"]


def test_apply_of_a_group_line_run_twice_says_unchanged(filled_store, cli):
    """QA re-test: a group accept run a second time was an error (exit 1); accept lines say unchanged."""
    _path, ex = filled_store
    aid = ex.article.id
    groups = json.loads(cli("export", "--include", "all").stdout)["articles"][0]["groups"]
    gid = next(iter(groups)) if isinstance(groups, dict) else groups[0]["id"]
    line = json.dumps({"article": aid, "group": gid, "action": "accept"}) + "\n"
    first = json.loads(cli("apply", "-", "--reviewer", "bob", input=line).stdout)
    again = json.loads(cli("apply", "-", "--reviewer", "bob", input=line).stdout)
    assert first["ok"] and "unchanged" not in first
    assert (
        again["ok"] and again["unchanged"].startswith("every mention of") and again["candidate"] == first["candidate"]
    )
