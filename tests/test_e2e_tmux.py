"""End to end in a real terminal: the installed `newsreview` in tmux (160×48, 80×24, NO_COLOR=1), keys
sent, the screen read, exact counters checked, the export checked; and the raw bytes the real program
writes to a pseudo-terminal, checked for terminal controls that came from the data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from app_support import EVIL, evil_store, foreign_controls, run_in_pty

from tui.store import ReviewStore

from support import ROOT, SAMPLE, make_extraction, tmux_socket_removed

TMUX = shutil.which("tmux")
EXE = Path(sys.executable).with_name("newsreview")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not EXE.exists(), reason=f"{EXE} is not installed (pip install -e .)"),
]
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal test cannot run here")
#: the status line's counters, in its long words or (a message on it too) its short ones
COUNTER = re.compile(r"(\d+)/(\d+)(?: decided here)?\s+·\s+store (\d+)/(\d+)")


def tmux(*args: str, socket: str) -> str:
    assert TMUX is not None
    return subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, check=False).stdout


def capture(socket: str) -> str:
    return tmux("capture-pane", "-p", "-t", "nr", socket=socket)


def wait_for(socket: str, text: str | re.Pattern[str], timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(socket)
        if (text.search(screen) if isinstance(text, re.Pattern) else text in screen) is not None and (
            not isinstance(text, str) or text in screen
        ):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def counters(screen: str) -> tuple[int, int, int, int]:
    """(decided here, total here, decided in the store, total in the store) from the status line."""
    m = COUNTER.search(screen.splitlines()[0])
    assert m is not None, screen.splitlines()[0]
    a, b, c, d = (int(x) for x in m.groups())
    return a, b, c, d


def press(socket: str, key: str, want: tuple[int, int, int, int] | None = None) -> str:
    """Send a key; wait until the screen changed (and shows the counters ``want`` if given)."""
    before = capture(socket)
    tmux("send-keys", "-t", "nr", key, socket=socket)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        screen = capture(socket)
        if screen != before and (want is None or (COUNTER.search(screen.splitlines()[0]) and counters(screen) == want)):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"after {key!r} the screen never showed {want}; it was:\n{capture(socket)}")


@needs_tmux
@pytest.mark.parametrize(
    ("width", "height", "no_color"),
    [(160, 48, False), (80, 24, False), (160, 48, True)],
    ids=["160x48", "80x24", "NO_COLOR"],
)
def test_review_in_a_real_terminal(tmp_path, width, height, no_color):
    store = tmp_path / "store"
    socket = f"nr-test-{os.getpid()}-{width}-{int(no_color)}"
    env = f"NEWSREVIEW_STORE={store} NEWSREVIEW_CONFIG_DIR={tmp_path / 'cfg'}" + (" NO_COLOR=1" if no_color else "")
    command = f"env {env} {EXE} {SAMPLE} --reviewer tmux-tester; echo NEWSREVIEW-EXITED $?; sleep 30"
    tmux("new-session", "-d", "-s", "nr", "-x", str(width), "-y", str(height), command, socket=socket)
    try:
        # (the status line and the footer both drawn: a capture under load once caught a frame half
        # written, the status line new and the last line not yet the footer)
        screen = wait_for(socket, re.compile(r"decided here(?s:.*)\n[^\n]*quit[^\n]*\n*\Z"))
        assert "UK says Russia set to give Iran" in screen.splitlines()[1]  # the headline is the pane title
        assert "Entities (" in screen
        footer = screen.rstrip("\n").splitlines()[-1]
        for hint in ("accept", "reject", "help", "quit"):
            assert hint in footer, footer
        _, total, _, store_total = counters(screen)
        assert counters(screen) == (0, total, 0, store_total) and total == store_total > 2
        first, second = _first_rows(store)  # a row is a group: a key decides all its mentions
        press(socket, "a", (first, total, first, total))  # accept
        press(socket, "x", (first + second, total, first + second, total))  # reject
        press(socket, "u", (first, total, first, total))  # undo the reject
        press(socket, "a", (first + second, total, first + second, total))  # accept
        press(socket, "q")
        wait_for(socket, "NEWSREVIEW-EXITED 0")
    finally:
        tmux("kill-server", socket=socket)
        tmux_socket_removed(socket)
    article = exported_article(store)
    decided = [e for e in article["entities"] if e["status"] != "pending"]
    assert [e["status"] for e in decided] == ["accepted"] * (first + second)  # not one more
    assert all(e["reviewer"] == "tmux-tester" for e in decided)
    assert sum(1 for c in article["entities"] + article["claims"]) == total


def exported_article(store: Path) -> dict:
    """The store's one article as `newsreview export --include all` (a real process) gives it."""
    env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    out = subprocess.run([str(EXE), "export", "--include", "all"], capture_output=True, text=True, env=env, check=True)
    (article,) = json.loads(out.stdout)["articles"]
    return article


def _first_rows(store: Path) -> tuple[int, int]:
    """How many mentions the entity list's first two rows (groups, in the order of their first
    mention) hold."""
    from tui.store import ReviewStore

    with ReviewStore.open(store) as st:
        (aid,) = st.article_ids()
        start = {c["id"]: c["start"] for c in st.candidates(aid, "entity")}
        groups = sorted(st.groups(aid).values(), key=lambda g: min(start[m] for m in g["mentions"]))
    return len(groups[0]["mentions"]), len(groups[1]["mentions"])


def test_raw_terminal_bytes_carry_no_control_from_the_data(tmp_path):
    """The real program in a pseudo-terminal, on a store whose labels, titles, ids, article text and
    speaker names carry OSC 52, OSC 0, CSI, C1 CSI/OSC, bidi controls, U+2028 and C0: every byte it
    writes is read back; only the app's own CSI sequences (and OSC 22) may remain."""
    store, _ = evil_store(tmp_path / "store")
    store.close()
    env = {
        **os.environ,
        "NEWSREVIEW_STORE": str(tmp_path / "store"),
        "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg"),
        "TERM": "xterm-256color",
    }
    keys = ["j", "j", "\t", "e", "\x1b", "\t", "A", "\x1b", "l", "\x1b", "?", "\x1b", "v", "L", "e", "\x1b", "\x1b"]
    keys += ["a", "x", "u", "\x06", *"Wallace", "\r", "q"]
    output, code = run_in_pty([str(EXE), "--reviewer", "ana"], env, keys, size=(160, 48))
    text = output.decode("utf-8", errors="surrogateescape")
    assert code == 0, text[-2000:]
    assert "decided here" in text and "Title ␛]52;c;AAAA␛\\" in text  # it drew the screen, literally
    assert EVIL["osc52"] not in text and "\x9b" not in text and "\u202e" not in text
    # the app's own bell (a key the mode does not take, e.g. a slow machine's dialog still opening when
    # the next key came: CI) is a lone BEL; the data's comes between its neighbours ("\x01\x07\x08")
    # and an OSC's ends one ("\x1b]0;pwned\x07"), whose ESC is caught anyway
    assert foreign_controls(re.sub("(?<![\x01;a-z])\x07(?!\x08)", "", text)) == []


@pytest.mark.parametrize("nohup", [False, True])
def test_a_hung_up_terminal_closes_the_app_as_sighup_would(tmp_path, nohup):
    """An SSH connection dropped under a shell that does not pass SIGHUP on (here: no controlling
    terminal at all, so none is sent): the terminal is hung up. The app used to spin on it for good,
    holding its reviewer's lock — the analyst, back on a new connection, was refused. It notices
    within seconds, closes cleanly (presence cleared, lock released, the decision kept), exit 129."""
    import signal

    from app_support import InPty

    with ReviewStore.open(tmp_path / "store", mode="add", reviewer="setup") as st:
        st.add_article(make_extraction("Moscow is cold. Paris is warm.", [("Moscow", "GPE"), ("Paris", "GPE")]))
    env = {**os.environ, "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg"), "TERM": "xterm-256color"}
    argv = [str(EXE), "--store", str(tmp_path / "store"), "--reviewer", "ana"]
    # nohup: SIGHUP ignored, as the app inherits it (it then closes without one)
    ignore = (lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN)) if nohup else None
    term = InPty(argv, env, preexec_fn=ignore)
    proc = term.proc
    try:
        term.pump(90, until=b"decided here")
        assert b"decided here" in term.out, term.out[-2000:]
        term.write(b"a")  # accept the first entity
        presence = tmp_path / "store" / "presence"
        deadline = time.monotonic() + 10
        # the decision on screen, and the presence the live feed writes on its next tick (0.3 s: the
        # quickstart's run once looked before that tick)
        while time.monotonic() < deadline and not (
            b"1/2 decided here" in term.out and presence.is_dir() and list(presence.glob("*.json"))
        ):
            term.pump(0.1)
        assert presence.is_dir() and list(presence.glob("*.json"))
    finally:
        os.close(term.master)  # the hang-up
    try:
        code = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the app kept running on a hung-up terminal") from None
    assert code == 129
    assert not list((tmp_path / "store" / "presence").glob("*.json"))  # nobody shown "on" the article
    with ReviewStore.open(tmp_path / "store", write=True, reviewer="ana") as st:  # the lock is free
        (aid,) = st.article_ids()
        assert [c["status"] for c in st.candidates(aid) if c["kind"] == "entity"].count("accepted") == 1


# -- a desk: two reviewers in two panes on one store -------------------------------------------------


def pane_text(socket: str, pane: str) -> str:
    return tmux("capture-pane", "-p", "-t", pane, socket=socket)


def pane_wait(socket: str, pane: str, check: Callable[[str], bool], what: str, timeout: float = 10) -> str:
    """Poll one pane until ``check(screen)`` holds; fail naming ``what`` with the screen as it was."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = pane_text(socket, pane)
        if check(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"pane {pane}: {what} never happened; the pane was:\n{screen}")


def status_of(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


@needs_tmux
def test_two_reviewers_in_two_panes_on_one_store(tmp_path):
    """ana (top pane) and bob (bottom pane) review one store at once: each sees the other's decision on
    the article they share without pressing a key, a disagreement shows as a dispute on both, ana
    settles it from the adjudication screen (J, then bob's version), bob's pane follows, and the export
    carries the adjudication."""
    text = "Ben Wallace said Russia lost 100,000 troops near Zürich.\nOfficials in São Paulo agreed on Tuesday."
    store = tmp_path / "store"
    with ReviewStore.open(store, mode="add", reviewer="setup") as st:
        st.add_article(make_extraction(text, [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Zürich", "GPE")]))
    socket = f"nr-desk-{os.getpid()}"

    def command(who: str) -> str:
        # PYTHONPATH: this checkout's code even where the venv's editable install is another checkout's
        env = f"PYTHONPATH={ROOT} NEWSREVIEW_STORE={store} NEWSREVIEW_CONFIG_DIR={tmp_path / ('cfg-' + who)}"
        # sleep 1 first: a pane made by split-window may get its size after the program read it
        return f"sleep 1; env {env} {EXE} review --reviewer {who}; echo NEWSREVIEW-EXITED $?; sleep 30"

    tmux("new-session", "-d", "-s", "nr", "-x", "160", "-y", "48", command("ana"), socket=socket)
    tmux("split-window", "-v", "-t", "nr", command("bob"), socket=socket)
    ana, bob = "nr:0.0", "nr:0.1"
    try:
        for pane in (ana, bob):
            pane_wait(socket, pane, lambda s: "decided here" in status_of(s), "the review screen", timeout=90)
        # presence: each sees the other on this article (read about once a second)
        pane_wait(socket, ana, lambda s: "with bob" in status_of(s), "ana seeing bob here")
        pane_wait(socket, bob, lambda s: "with ana" in status_of(s), "bob seeing ana here")
        # ana accepts Ben Wallace: bob's pane shows it with no key pressed there
        tmux("send-keys", "-t", ana, "a", socket=socket)
        pane_wait(socket, ana, lambda s: "1/3 decided here" in status_of(s), "ana's decision")
        screen = pane_wait(socket, bob, lambda s: "desk 1/3" in status_of(s), "ana's decision on bob's screen")
        assert "0/3 decided here" in status_of(screen)  # bob's own count is bob's
        assert "ana" in screen.split("status", 1)[-1]  # the detail panel names whose decision it is
        # bob rejects it: a dispute, on both screens
        tmux("send-keys", "-t", bob, "x", socket=socket)
        for pane in (bob, ana):
            pane_wait(socket, pane, lambda s: "⚠ 1 disputed here" in status_of(s), "the dispute")
        # ana settles it: the adjudication screen, bob's version (the second made)
        tmux("send-keys", "-t", ana, "J", socket=socket)
        screen = pane_wait(socket, ana, lambda s: "ADJUDICATION" in s and "1 left" in s, "the adjudication screen")
        assert "bob" in screen and "you" in screen and "Ben Wallace" in screen
        tmux("send-keys", "-t", ana, "2", socket=socket)
        pane_wait(socket, ana, lambda s: "settled with bob's version" in s and "0 left" in s, "the adjudication")
        pane_wait(socket, bob, lambda s: "disputed" not in status_of(s), "the dispute leaving bob's screen")
        tmux("send-keys", "-t", ana, "Escape", socket=socket)
        pane_wait(socket, ana, lambda s: "decided here" in status_of(s), "back on ana's review screen")
        for pane in (ana, bob):
            tmux("send-keys", "-t", pane, "q", socket=socket)
            pane_wait(socket, pane, lambda s: "NEWSREVIEW-EXITED 0" in s, "a clean exit")
    finally:
        tmux("kill-server", socket=socket)
        tmux_socket_removed(socket)
    article = exported_article(store)
    ben = next(e for e in article["entities"] if e["text"] == "Ben Wallace")
    assert ben["status"] == "rejected"
    with ReviewStore.open(store) as st:
        final = st.candidate(article["id"], ben["id"], view="final")
        assert final["adjudication"]["chose"] == "bob" and final["adjudication"]["reviewer"] == "ana"
        assert st.candidate(article["id"], ben["id"], view="ana")["status"] == "accepted"  # ana's own stays


@pytest.mark.parametrize(("signame", "said", "status"), [("SIGINT", "interrupted", 130), ("SIGQUIT", "quit", 131)])
def test_sigint_to_the_app_says_so_and_exits_130(tmp_path, signame, said, status):
    """QA: ``kill -INT`` ended the review screen as a quit would (asyncio's own handler), exit 0 and no
    word, where SIGTERM says "terminated" and exits 143. Ctrl-C's signal now ends it as the commands
    end: "interrupted; every decision made so far is saved", exit 130, the decision kept. QA (stop 44):
    ``kill -QUIT`` dumped core, leaving the terminal raw, on the alternate screen with mouse reporting
    on, and the analyst present for a minute; it closes the same way, exit 131."""
    import signal

    from app_support import InPty

    with ReviewStore.open(tmp_path / "store", mode="add", reviewer="setup") as st:
        st.add_article(make_extraction("Moscow is cold. Paris is warm.", [("Moscow", "GPE"), ("Paris", "GPE")]))
    env = {**os.environ, "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg"), "TERM": "xterm-256color"}
    term = InPty([str(EXE), "--store", str(tmp_path / "store"), "--reviewer", "ana"], env)
    try:
        term.pump(90, until=b"decided here")
        term.write(b"a")
        term.pump(10, until=b"1/2 decided here")
        mark = len(term.out)
        term.proc.send_signal(getattr(signal, signame))
        term.proc.wait(timeout=15)
        term.pump(1)  # what it wrote on its way out
    finally:
        code = term.close()
    assert code == status and f"{said}; every decision made so far is saved".encode() in term.out
    assert b"\x1b[?1049l" in term.out[mark:]  # off the alternate screen (and mouse reporting off with it)
    assert not any((tmp_path / "store" / "presence").glob("ana*"))  # not shown present to the desk
    with ReviewStore.open(tmp_path / "store", write=True, reviewer="ana") as st:  # kept, and the lock free
        (aid,) = st.article_ids()
        assert [c["status"] for c in st.candidates(aid) if c["kind"] == "entity"].count("accepted") == 1
