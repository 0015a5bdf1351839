"""The ``E`` key: ``newsreview export`` run as a child process, so the screen never waits for it.

On a store of 10,000 articles an export takes seconds (QA: the screen froze for about 8 s when it
ran on the UI thread). The child is the command itself (``python -m tui export -o …``): the same
file, the same rules (a damaged article is named and left out, the rest written), on the machine's
other core. The store's address goes to it in the environment, not on its command line, where any
local user's ``ps`` would read a PostgreSQL password.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from textual.message import Message
from textual.widget import Widget

from ...sanitize import clean_line
from ...store import ReviewStore

#: the lines the export command writes on stderr begin with this
PREFIX = "newsreview: "


def run_export(address: str, path: Path) -> tuple[int, list[str]]:
    """Run ``newsreview export -o PATH`` on the store at ``address``; (exit code, its stderr lines).
    Runs in a worker thread."""
    env = {**os.environ, "NEWSREVIEW_STORE": address, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tui", "export", "-o", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    except OSError as err:
        return 1, [f"could not run the export: {err}"]
    text = done.stderr.decode("utf-8", "replace")
    lines = [line.removeprefix(PREFIX).removeprefix("error: ") for line in text.splitlines() if line.strip()]
    if done.returncode < 0:
        lines.append(f"the export was stopped by signal {-done.returncode}")
    elif done.returncode and not lines:
        lines.append(f"the export failed (exit code {done.returncode})")
    return done.returncode, lines


class Exporter(Widget):
    """Exports the store beside itself (``STORE/export.json``), one run at a time; no display."""

    DEFAULT_CSS = "Exporter { display: none; }"

    class Done(Message):
        """The export ended: ``lines`` are what it said (errors first when ``code`` is not 0)."""

        def __init__(self, path: Path, code: int, lines: list[str]) -> None:
            self.path = path
            self.code = code
            self.lines = lines
            super().__init__()

    def __init__(self, store: ReviewStore) -> None:
        super().__init__()
        self.store = store
        self.running = False

    def start(self) -> None:
        path = self.store.folder / "export.json"
        shown = clean_line(path, 200)
        if self.running:
            self.notify(f"still exporting to {shown}", markup=False, timeout=3)
            return
        try:
            mode = path.stat().st_mode  # through a symlink, as the command writes
        except FileNotFoundError:
            mode = None
        except OSError as err:
            self.notify(f"{shown}: {clean_line(err.strerror or err, 80)}", severity="error", markup=False)
            return
        # the command writes through to a FIFO or a device (-o /dev/stdout); here nobody would read it
        if mode is not None and not stat.S_ISREG(mode):
            self.notify(f"{shown} is not a regular file: not exported", severity="error", markup=False, timeout=8)
            return
        self.running = True
        self.notify(f"exporting to {shown}…", markup=False, timeout=3)
        address = self.store.address

        def work() -> None:
            code, lines = run_export(address, path)
            self.post_message(self.Done(path, code, lines))

        self.run_worker(work, name="export", thread=True, exit_on_error=False, group="export")

    def on_exporter_done(self, message: Done) -> None:
        self.running = False
