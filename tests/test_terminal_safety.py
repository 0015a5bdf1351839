"""Outside text never reaches a terminal as control sequences, and `-o` never clobbers what it should not.

A corpus of hostile strings (C0, C1, ESC/CSI/OSC — clipboard and window title —, bidi overrides and
isolates, line separators) is planted where outside text lives: labels and titles that a custom
pipeline or an old store may hold, file names, lock-holder text. Every CLI surface that shows them is
run as a real process and its raw output bytes are checked.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading

import pytest

from extractors.records import entity_candidate
from tui.sanitize import clean, clean_line, escape_json
from tui.store import ReviewStore

from support import ROOT, is_url, make_extraction

pytestmark = pytest.mark.engines

HOSTILE = [
    "\x1b]52;c;cHduZWQ=\x1b\\ORG",  # OSC 52: writes the clipboard
    "\x1b]0;pwned\x1b\\",  # OSC 0: window title
    "\x1b[2J\x1b[31mred",  # CSI: clear screen, colour
    "\x9b31m\x9d0;t\x07",  # 8-bit CSI and OSC
    "bell\x07back\x08del\x7f",
    "\u202egnp.exe\u202c \u2066iso\u2069",  # bidi override, isolate
    "line\u2028sep\u2029para\x85nel",
    "\x00nul\x0bvt\x0cff",
]
# raw bytes a terminal would act on: C0 except \t \n (\r stays out too), DEL, C1 (as UTF-8), bidi, U+2028/9
UNSAFE = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae\xa8\xa9]|\xe2\x81[\xa6-\xa9]|\xd8\x9c"
)


def test_sanitiser_keeps_length_and_leaves_nothing_active():
    for s in [*HOSTILE, "\ud800 lone surrogate", "Zürich 東京 😀 [bold]x[/]"]:
        out = clean(s)
        assert len(out) == len(s)
        assert UNSAFE.search(out.encode("utf-8")) is None
        assert "\n" not in clean_line(s + "\nnext")
    assert clean("plain\ntext") == "plain\ntext"
    assert escape_json('"\u2028\x85\u202e"') == '"\\u2028\\u0085\\u202e"'


@pytest.fixture
def hostile_store(store_path):
    path = store_path
    text = "Ben Wallace said Russia lost troops.\nThe UK condemned it."
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        for i, evil in enumerate(HOSTILE):
            ex = make_extraction(f"{text} Story {i}.", [], title=f"Title {evil}", source=f"src {evil}")
            ents = [
                entity_candidate(ex.article.text, ex.article.id, 0, 11, evil[:60], model=f"model {evil}"),
                entity_candidate(ex.article.text, ex.article.id, 17, 23, "GPE", model="m"),
            ]
            ex.entities = ents
            st.add_article(ex)
            st.decide(ex.article.id, ents[0]["id"], "accept")
    with ReviewStore.open(path, write=True, reviewer="bob") as st:
        for aid in st.article_ids():
            first = st.candidates(aid)[0]
            st.decide(aid, first["id"], "reject")
    return path


def run(path, *args, cwd=ROOT, env=None):
    env = {**os.environ, "NEWSREVIEW_STORE": str(path), "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, cwd=cwd, env=env, timeout=120)


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["articles"],
        ["articles", "--format", "tsv"],
        ["articles", "--format", "json"],
        ["export", "--include", "all"],
        ["export", "--format", "jsonl", "--include", "all"],
        ["agreement"],
        ["agreement", "--json"],
        ["doctor"],
        ["export", "--article", "\x1b]0;pwned\x1b\\"],
        ["export", "--include", "\x1b]0;x\x07"],
        ["export", "--reviewer", "\x9b2J"],
        ["apply", "/nonexistent/\x1b]0;t\x07.jsonl"],
    ],
)
def test_cli_surfaces_print_no_control_sequences(hostile_store, args):
    proc = run(hostile_store, *args)
    for stream in (proc.stdout, proc.stderr):
        found = UNSAFE.search(stream)
        assert found is None, (args, found, stream[max(0, found.start() - 60) : found.end() + 60] if found else b"")
    assert b"Traceback" not in proc.stderr


def test_file_names_and_lock_holders_are_shown_safely(hostile_store, tmp_path):
    evil = tmp_path / "in\x1b]0;pwned\x07put"
    evil.mkdir()
    (evil / "bad\x1b[2J.txt").write_bytes(b"caf\xe9 au lait")  # not UTF-8: refused, the error names the file
    (evil / "dup\u202e.txt").write_text("Ben Wallace said Russia lost troops.\nThe UK condemned it. Story 0.")
    proc = run(hostile_store, "add", str(evil))
    assert UNSAFE.search(proc.stdout + proc.stderr) is None
    assert b"failed:" in proc.stderr
    # another process holds ana's writer lock and wrote something hostile where its holder is named
    with ReviewStore.open(hostile_store, write=True, reviewer="ana") as st:
        if is_url(hostile_store):
            conn = st.engine._connection()
            conn.execute("UPDATE reviewers SET holder = %s WHERE name = 'ana'", ["\x1b]52;c;AAAA\x07 'evil'"])
        else:
            journals = hostile_store / "journals"
            lock = journals / next(p.name for p in journals.glob("ana-*.lock"))
            lock.write_text("\x1b]52;c;AAAA\x07 'evil'")
        proc = run(hostile_store, "apply", "-", "--reviewer", "ana")
    assert proc.returncode == 1 and UNSAFE.search(proc.stderr) is None and b"already has" in proc.stderr


def test_reviewer_names_with_control_characters_are_refused(hostile_store):
    """A bad option value, exit 2 (as --lease -5; QA, stop 41), said safely."""
    proc = run(hostile_store, "apply", "-", "--reviewer", "ev\x1b]0;il\x07")
    assert proc.returncode == 2 and b"reviewer name" in proc.stderr and UNSAFE.search(proc.stderr) is None
    proc = subprocess.run(
        [sys.executable, "-m", "tui", "apply", "-", "--reviewer", b"caf\xe9"],  # not UTF-8 (a latin-1 terminal)
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "NEWSREVIEW_STORE": str(hostile_store)},
        timeout=60,
    )
    assert proc.returncode == 2 and b"reviewer name" in proc.stderr and b"Traceback" not in proc.stderr


# -- where -o writes -------------------------------------------------------------------------------


@pytest.mark.folder_only
def test_export_to_dev_null_writes_through(hostile_store):
    before = os.stat("/dev/null")
    proc = run(hostile_store, "export", "-o", "/dev/null")
    assert proc.returncode == 0, proc.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.folder_only
def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(hostile_store, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run(hostile_store, "export", "-o", str(link)).returncode == 0
    assert link.is_symlink() and target.read_text().startswith("{")


@pytest.mark.folder_only
def test_export_to_a_fifo_writes_through(hostile_store, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = run(hostile_store, "export", "-o", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].startswith(b"{")


@pytest.mark.folder_only
@pytest.mark.parametrize("kind", ["read-only", "folder"])
def test_export_refuses_what_it_must_not_replace(hostile_store, tmp_path, kind):
    target = tmp_path / "out.json"
    if kind == "read-only":
        target.write_text("precious")
        target.chmod(0o444)
    else:
        target.mkdir()
    proc = run(hostile_store, "export", "-o", str(target))
    assert proc.returncode == 1 and b"nothing was changed" in proc.stderr and proc.stderr.count(b"\n") == 1
    if kind == "read-only":
        assert target.read_text() == "precious"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")]  # no temp file left


@pytest.mark.folder_only
def test_temp_files_are_unpredictable_and_never_follow_a_planted_link(hostile_store, tmp_path):
    """An attacker who plants the old predictable temp name (.NAME.PID.tmp) as a symlink gets nothing."""
    victim = tmp_path / "victim"
    victim.write_text("keep")
    out = tmp_path / "out.json"
    for pid in range(os.getpid(), os.getpid() + 200):
        (tmp_path / f".out.json.{pid}.tmp").symlink_to(victim)
    assert run(hostile_store, "export", "-o", str(out)).returncode == 0
    assert victim.read_text() == "keep" and out.read_text().startswith("{")
