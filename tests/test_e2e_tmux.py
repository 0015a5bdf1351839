"""End to end in a real terminal: the installed `newsreview` in tmux, keys sent, screen read, export checked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import SAMPLE

TMUX = shutil.which("tmux")
EXE = Path(sys.executable).with_name("newsreview")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal test cannot run here"),
    pytest.mark.skipif(not EXE.exists(), reason=f"{EXE} is not installed (pip install -e .)"),
]


def tmux(*args: str, socket: str) -> str:
    return subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, check=False).stdout


def wait_for(socket: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "nr", socket=socket)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def test_review_in_a_real_terminal(tmp_path):
    store = tmp_path / "store"
    socket = f"nr-test-{os.getpid()}"
    env = f"NEWSREVIEW_STORE={store} NEWSREVIEW_CONFIG_DIR={tmp_path / 'cfg'}"
    command = f"env {env} {EXE} {SAMPLE} --reviewer tmux-tester; echo NEWSREVIEW-EXITED $?; sleep 30"
    tmux("new-session", "-d", "-s", "nr", "-x", "160", "-y", "48", command, socket=socket)
    try:
        screen = wait_for(socket, "decided here")
        assert "UK says Russia set to give Iran" in screen and "Entities (" in screen
        for key in ("a", "x", "u", "a"):  # accept, reject, undo the reject, accept
            before = tmux("capture-pane", "-p", "-t", "nr", socket=socket)
            tmux("send-keys", "-t", "nr", key, socket=socket)
            deadline = time.monotonic() + 10
            while tmux("capture-pane", "-p", "-t", "nr", socket=socket) == before and time.monotonic() < deadline:
                time.sleep(0.1)
        screen = wait_for(socket, "2/")
        assert "2/" in screen.splitlines()[0]  # status bar: 2 decided here
        tmux("send-keys", "-t", "nr", "q", socket=socket)
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
