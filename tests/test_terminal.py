"""The app's look at its terminal: none when it reads no terminal (``newsreview serve``'s tabs read a
pipe), and a hung-up one told from a live one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tui.app.terminal import hung_up


def test_no_terminal_when_stdin_is_a_pipe_or_a_file():
    """A serve tab's stdin is a pipe: tcgetattr raises termios.error (no OSError), which must not
    escape — it crashed every tab's start."""
    code = "from tui.app.terminal import terminal_fd; print(terminal_fd())"
    for stdin in (subprocess.PIPE, subprocess.DEVNULL):
        out = subprocess.run([sys.executable, "-c", code], stdin=stdin, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "None", out.stderr


def test_a_pty_is_live_until_its_master_closes():
    master, slave = pty.openpty()
    try:
        assert not hung_up(slave)
    finally:
        os.close(master)
    try:
        assert hung_up(slave)
    finally:
        os.close(slave)
