"""Advisory ``flock`` locks: one writer per reviewer journal (held for the life of the process) and a
short store-wide lock around appends to the shared index.

The kernel drops a lock when the process dies (even by ``kill -9``), so a crash never leaves a stale
lock. The holder writes who it is into the lock file so that a refused process can say who holds it.
Lock files must be regular files: a symlink or a FIFO in a lock's place is refused, never followed.

Processes forked while a lock is held (spaCy's ``n_process`` workers) would hold it too — a lock
belongs to the open file, which a fork shares — and keep the store locked after the parent is killed.
An ``at fork`` hook closes every lock in the child, so only the process that took a lock holds it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import os
import re
import socket
import sys
import time
import weakref
from pathlib import Path

from ..sanitize import clean_line
from .errors import StoreError, StoreLocked
from .files import open_regular, why

_HELD: weakref.WeakSet[FileLock] = weakref.WeakSet()


def _close_in_child() -> None:
    for lock in list(_HELD):
        if lock._fd is not None:
            with contextlib.suppress(OSError):
                os.close(lock._fd)  # the child's copy only: the parent keeps its lock
            lock._fd = None


os.register_at_fork(after_in_child=_close_in_child)


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        try:
            try:
                return open_regular(self.path, os.O_RDWR | os.O_CREAT)
            except PermissionError as refused:
                # a lock file another desk member made before stores took their folder's modes (or
                # whose umask made it private): a lock needs no write, only the holder's note does
                try:
                    return open_regular(self.path, os.O_RDONLY)
                except FileNotFoundError:  # not there, and its folder refuses a new file: say that
                    raise refused from None
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.EINVAL, errno.ENXIO):
                raise StoreError(
                    f"{clean_line(self.path)} is not a regular file (a symlink or a special file in a lock's "
                    "place); it was not touched. Remove it if you did not put it there"
                ) from None
            raise StoreError(f"cannot lock {clean_line(self.path)}: {why(err)}") from None

    def acquire(self, what: str, *, timeout: float = 1.0, refused: str = "") -> None:
        """Hold the lock until :meth:`release`; refuse with who holds it after ``timeout`` seconds."""
        fd = self._open()
        try:
            got = _flock_within(fd, fcntl.LOCK_EX, timeout)
        except OSError as err:
            os.close(fd)
            raise StoreError(f"cannot lock {clean_line(self.path)}: {why(err)}") from None
        if not got:
            holder = os.pread(fd, 400, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise StoreLocked(refused.format(holder=clean_line(holder, 300)) + holder_hint(holder, self.path))
        self._fd = fd
        _HELD.add(self)
        info = f"{what} (pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%Y-%m-%d %H:%M:%S %Z')})"
        with contextlib.suppress(OSError):  # who holds it is a courtesy: a full disk must not stop the work
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode("utf-8", "replace"), 0)

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
            _HELD.discard(self)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def still_at_path(self) -> bool:
        """Whether the file held is still the one at :attr:`path` (not one removed, or replaced, since)."""
        try:
            held, here = os.fstat(self._fd) if self._fd is not None else None, os.lstat(self.path)
        except OSError:
            return False
        return held is not None and (held.st_dev, held.st_ino) == (here.st_dev, here.st_ino)

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with this id runs (another user's, which cannot be signalled
    by us, does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass
    return True


_HOLDER = re.compile(r"\(pid (\d+) on ([^,()]+),")


def holder_hint(holder: str, lock: Path | None = None) -> str:
    """What to do about a holder on this machine that cannot let go by itself (QA, stop 44: an app
    whose SSH connection froze rather than dropped held its reviewer's lock for good, and the refusal
    said neither that nor the cure): "" unless the lock's note names a process of this host that is a
    newsreview, is this user's (any, for root) and — for a lock file — holds it. The note is only
    believed that far: anyone who can write the store can write it (independent review)."""
    found = _HOLDER.search(holder)
    if found is None or found.group(2) != socket.gethostname():
        return ""
    pid = int(found.group(1))
    try:
        owner = os.stat(f"/proc/{pid}").st_uid
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
    except (OSError, IndexError):
        return ""
    if owner != os.getuid() and os.getuid() != 0:
        return ""
    ours = any(os.path.basename(arg) == b"newsreview" for arg in argv) or any(
        a == b"-m" and b == b"tui" for a, b in itertools.pairwise(argv)
    )
    if not ours or (lock is not None and not _holds_flock(pid, lock)):
        return ""
    if state in (b"T", b"t"):  # a stopped app cannot run its SIGTERM handler (and stops again on CONT)
        return (
            f". Process {pid} is stopped (Ctrl-Z): resume it with 'fg' in its terminal, or end it with "
            f"'kill -KILL {pid}' — every decision it showed is saved, and its presence clears within a minute"
        )
    return (
        f". If its terminal is gone (an SSH connection that froze), close it with 'kill {pid}': it closes "
        "cleanly, every decision it showed saved"
    )


def _holds_flock(pid: int, path: Path) -> bool:
    """Whether ``/proc/locks`` shows process ``pid`` holding a flock on the file at ``path`` (True when
    that cannot be read: the other checks stand alone then)."""
    try:
        st = os.stat(path)
        with open("/proc/locks", "rb") as locks:
            table = locks.read().decode("ascii", "replace")
    except OSError:
        return True
    here = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in table.splitlines():
        fields = line.split()
        if "FLOCK" in fields and str(pid) in fields and here in fields:
            return True
    return False


def _flock_within(fd: int, op: int, timeout: float) -> bool:
    """``flock(fd, op)``, retried until ``timeout`` seconds pass: whether it was got."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, op | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def wait_free(path: Path, timeout: float = 30.0) -> None:
    """Wait until no process holds the lock ``path`` (or ``timeout`` seconds), without taking it for
    longer than a moment, nor creating it, nor needing to write to it (a read-only opener)."""
    try:
        fd = open_regular(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            _flock_within(fd, fcntl.LOCK_SH, timeout)
    finally:
        os.close(fd)  # (drops the shared lock)


@contextlib.contextmanager
def short_lock(path: Path, what: str, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """A lock held for a moment (an append to the shared index): waits up to ``timeout`` seconds."""
    lock = FileLock(path)
    lock.acquire(
        what,
        timeout=timeout,
        refused=f"{clean_line(path.parent)} is busy: {{holder}} has held {clean_line(path.name)} for {timeout:.0f} s",
    )
    try:
        yield lock
    finally:
        lock.release()


def describe_command() -> str:
    args = [os.path.basename(sys.argv[0]), *sys.argv[1:2]]
    return "'" + " ".join(a for a in args if a) + "'"
