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
from pathlib import Path

import pytest
from app_support import EVIL, evil_store, foreign_controls, run_in_pty

from support import SAMPLE

TMUX = shutil.which("tmux")
EXE = Path(sys.executable).with_name("newsreview")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not EXE.exists(), reason=f"{EXE} is not installed (pip install -e .)"),
]
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal test cannot run here")
COUNTER = re.compile(r"(\d+)/(\d+) decided here\s+·\s+store (\d+)/(\d+)")


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
        screen = wait_for(socket, "decided here")
        assert "UK says Russia set to give Iran" in screen.splitlines()[1]  # the headline is the pane title
        assert "Entities (" in screen
        footer = screen.rstrip("\n").splitlines()[-1]
        for hint in ("accept", "reject", "help", "quit"):
            assert hint in footer, footer
        _, total, _, store_total = counters(screen)
        assert counters(screen) == (0, total, 0, store_total) and total == store_total > 2
        press(socket, "a", (1, total, 1, total))  # accept
        press(socket, "x", (2, total, 2, total))  # reject
        press(socket, "u", (1, total, 1, total))  # undo the reject
        screen = press(socket, "a", (2, total, 2, total))  # accept
        assert counters(screen) == (2, total, 2, total)  # exactly 2 — not 12, not 20
        press(socket, "q")
        wait_for(socket, "NEWSREVIEW-EXITED 0")
    finally:
        tmux("kill-server", socket=socket)
    env_vars = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    out = subprocess.run(
        [str(EXE), "export", "--include", "all"], capture_output=True, text=True, env=env_vars, check=True
    )
    (article,) = json.loads(out.stdout)["articles"]
    decided = [e for e in article["entities"] if e["status"] != "pending"]
    assert [e["status"] for e in decided] == ["accepted", "accepted"]
    assert all(e["reviewer"] == "tmux-tester" for e in decided)
    assert sum(1 for c in article["entities"] + article["claims"]) == total


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
    assert foreign_controls(text) == []
