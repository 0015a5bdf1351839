"""The ``E`` key: ``newsreview export`` run as a child process, so the screen never waits for it.

On a store of 10,000 articles an export takes seconds (QA: the screen froze for about 8 s when it
ran on the UI thread). The child is the command itself (``python -P -m tui export -o …``; ``-P``: the
app's own code, never a ``tui.py`` in the folder it was started from): the same file, the same rules
(a damaged article is named and left out, the rest written), on the machine's other core. The
store's address goes to it in the environment, not on its command line, where any local user's
``ps`` would read a PostgreSQL password.

The child starts at once, in a session of its own, and the screen looks at it between keys: quitting
does not wait for it, nor cut it short — it writes its file (atomically, as ever) and the app says so
on its way out (:func:`still_running`).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from ...sanitize import clean_line
from ...store import ReviewStore

#: the lines the export command writes on stderr begin with this
PREFIX = "newsreview: "
POLL = 0.1  # seconds between looks at a running export

#: exports started by this process that were still running when last looked at: (path, process)
_RUNNING: list[tuple[Path, subprocess.Popen[bytes]]] = []


def start_export(address: str, path: Path, err: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``newsreview export -o PATH`` on the store at ``address``, its stderr to ``err``."""
    env = {**os.environ, "NEWSREVIEW_STORE": address, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "tui", "export", "-o", str(path), "--no-follow"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=err,
        env=env,
        start_new_session=True,  # Ctrl-C in the terminal (or its hang-up) is the app's, not the export's
    )


def said(code: int, text: str) -> list[str]:
    """What the export command said on stderr, as lines for the analyst (why, when it failed)."""
    lines = [line.removeprefix(PREFIX).removeprefix("error: ") for line in text.splitlines() if line.strip()]
    if code < 0:
        lines.append(f"the export was stopped by signal {-code}")
    elif code and not lines:
        lines.append(f"the export failed (exit code {code})")
    return lines


def still_running() -> list[Path]:
    """Where exports this process started, and that have not ended yet, are writing."""
    _RUNNING[:] = [(path, proc) for path, proc in _RUNNING if proc.poll() is None]
    return [path for path, _ in _RUNNING]


def still_running_lines() -> list[str]:
    """What the app says of them on its way out (a quit or a signal), one line each."""
    return [
        f"newsreview: the export started with E is still running; it writes {clean_line(path)} (should it fail, "
        "nothing will say so: 'newsreview export' shows why)\n"
        for path in still_running()
    ]


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
        self.proc: subprocess.Popen[bytes] | None = None
        self._err: IO[bytes] | None = None
        self._path: Path | None = None
        self._before: tuple[int, int] | None = None  # the file's (inode, mtime) when the export started
        self._timer: Timer | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None

    def start(self) -> None:
        path = self.store.folder / "export.json"
        shown = clean_line(path, 200)
        if self.proc is not None:
            self.notify(f"still exporting to {shown}", markup=False, timeout=3)
            return
        if path.is_symlink():  # the store's folder is the desk's: a member's link would aim this export elsewhere
            self.notify(
                f"{shown} is a symbolic link: not exported (remove it, or use 'newsreview export -o')",
                severity="error",
                markup=False,
                timeout=8,
            )
            return
        try:
            st = path.stat()
        except FileNotFoundError:
            st = None
        except OSError as error:
            self.notify(f"{shown}: {clean_line(error.strerror or error, 80)}", severity="error", markup=False)
            return
        # the command writes through to a FIFO or a device (-o /dev/stdout); here nobody would read it
        if st is not None and not stat.S_ISREG(st.st_mode):
            self.notify(f"{shown} is not a regular file: not exported", severity="error", markup=False, timeout=8)
            return
        said_to = tempfile.TemporaryFile()  # noqa: SIM115 (kept open until the child ends)
        try:
            proc = start_export(self.store.address, path, said_to)
        except OSError as error:
            said_to.close()
            self.notify(f"could not run the export: {clean_line(error, 200)}", severity="error", markup=False)
            return
        self.proc, self._err, self._path = proc, said_to, path
        self._before = (st.st_ino, st.st_mtime_ns) if st is not None else None
        _RUNNING.append((path, proc))
        self.notify(f"exporting to {shown}…", markup=False, timeout=3)
        self._timer = self.set_interval(POLL, self._look, name="export")

    def _look(self) -> None:
        proc, err, path = self.proc, self._err, self._path
        if proc is None or err is None or path is None or proc.poll() is None:
            return
        if self._timer is not None:
            self._timer.stop()
        err.seek(0)
        lines = said(int(proc.returncode), err.read().decode("utf-8", "replace"))
        err.close()
        code = int(proc.returncode)
        if code == 0:  # the file it says it wrote must be there, and new (QA: a stand-in "tui" said nothing)
            try:  # (the inode too: the command replaces the file, and a coarse clock may not tick)
                st = path.stat()
                now: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
            except OSError:
                now = None
            if now is None or now == self._before:
                code, lines = 1, [*lines, f"{clean_line(path, 200)} was not written"]
        self.proc = self._err = self._path = None
        self.post_message(self.Done(path, code, lines))
