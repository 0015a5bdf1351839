"""One writer per store: an advisory ``flock`` held for the life of the writing process.

The kernel drops the lock when the process dies (even by ``kill -9``), so a crash never leaves a stale
lock.  The holder writes who it is into the lock file so a second writer can say who holds the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import time
from pathlib import Path

from .journal import StoreError

LOCK = "lock"


class StoreLocked(StoreError):
    pass


class StoreLock:
    def __init__(self, folder: Path):
        self.path = folder / LOCK
        self._fd: int | None = None

    def acquire(self, what: str, timeout: float = 1.0) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StoreError(f"cannot write store at {self.path.parent}: {err.strerror or err}") from None
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 400, 0).decode("utf-8", "replace").strip() or "another process"
                    os.close(fd)
                    raise StoreLocked(
                        f"{self.path.parent} is open for writing by {holder}; close it first "
                        "(read-only commands such as 'newsreview status' and 'export' still work)"
                    ) from None
                time.sleep(0.05)
        info = f"{what} (pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})"
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def describe_command() -> str:
    args = [os.path.basename(sys.argv[0]), *sys.argv[1:2]]
    return "'" + " ".join(a for a in args if a) + "'"
