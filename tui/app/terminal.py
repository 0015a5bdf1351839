"""The terminal the app runs in, and noticing that it is gone.

When an SSH connection drops, or a terminal window closes, the kernel hangs up the terminal and
sends SIGHUP — but only to the session's leader. A shell that ignores it (``nohup``, some setups of
``bash``, a wrapper script) leaves the app running on a hung-up terminal, where a read returns
nothing and never blocks: Textual's input thread then spins (60 % of a core), and the app holds its
reviewer's lock for good, so that the analyst, back on a new connection, is refused as "already
open". A hung-up terminal answers every ``tcgetattr`` with EIO; the app asks once a second and, when
it is gone, closes as a SIGHUP would have closed it — and first lets go of the terminal's output
(``let_go``): whatever is still buffered for it (Textual's last escape codes, Python's own flush at
exit) has nowhere to go, and a failed flush at exit turns the exit status into 120.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import termios

#: errors a terminal gives once hung up (EIO), or once the device went away (ENXIO, ENODEV)
GONE = {errno.EIO, errno.ENXIO, errno.ENODEV}


def terminal_fd() -> int | None:
    """The descriptor of the terminal the app reads keys from — one hung up already too (QA, SSH: hung
    up before the app was up, it was taken for none and never watched, the app ran on holding its
    lock) — or None when it reads no terminal (``newsreview serve``'s tabs, tests)."""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        stream = sys.__stdin__
        if stream is not None:
            fd = stream.fileno()
            try:
                termios.tcgetattr(fd)
            except termios.error as err:  # (termios.error is no OSError)
                return fd if err.args and err.args[0] in GONE else None
            return fd
    return None


def hung_up(fd: int) -> bool:
    """True when the terminal behind ``fd`` has been hung up."""
    try:
        termios.tcgetattr(fd)
    except termios.error as err:
        return bool(err.args) and err.args[0] in GONE
    except OSError as err:  # a closed descriptor
        return err.errno in GONE or err.errno == errno.EBADF
    return False


def is_job() -> bool:
    """Whether a shell with job control started this process as a job: its process group is its own,
    not the session leader's (where ``fg`` could not bring it back)."""
    try:
        return os.getpgrp() != os.getsid(0)
    except OSError:
        return False


def let_go() -> None:
    """Point standard output and error, where they are a hung-up terminal, at /dev/null: nothing
    written there from now on can reach anyone, and a write that fails (EIO) would cost the exit
    status its meaning. A stream sent elsewhere (``2> log``) is left as it is."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            for stream in (sys.__stdout__, sys.__stderr__):
                with contextlib.suppress(AttributeError, ValueError, OSError):
                    fd = stream.fileno()  # type: ignore[union-attr]
                    if hung_up(fd):
                        os.dup2(null, fd)
        finally:
            os.close(null)


def tolerate_bad_input() -> None:
    """Read keys that are no UTF-8 as "�", not as the end of the app. Textual's input thread decodes
    the terminal's bytes strictly: one byte that is no UTF-8 (a terminal set to send Alt as an 8-bit
    meta byte, a Latin-1 terminal, a paste of raw bytes) raised UnicodeDecodeError in that thread and
    the keys stopped (QA soak: the app sat on screen taking no key, then exited 0 on a signal). The
    driver module's decoder factory is swapped for one that replaces what it cannot decode."""
    import codecs
    import functools

    from textual.drivers import linux_driver

    factory = getattr(linux_driver, "getincrementaldecoder", None)
    if factory is None or getattr(factory, "newsreview_tolerant", False):
        return  # (a Textual that reads keys otherwise: nothing to swap)

    def tolerant(encoding: str) -> type[codecs.IncrementalDecoder]:
        decoder = codecs.getincrementaldecoder(encoding)
        return functools.partial(decoder, errors="replace")  # type: ignore[return-value]

    tolerant.newsreview_tolerant = True  # type: ignore[attr-defined]
    setattr(linux_driver, "getincrementaldecoder", tolerant)  # noqa: B010 (not exported: mypy)


@contextlib.contextmanager
def drawing_on_the_terminal():  # type: ignore[no-untyped-def]
    """Textual draws on standard error. Started with it sent elsewhere (``2> log``, ``2>/dev/null``) while
    standard output is the terminal, the app drew into the file and took keys on a blank screen; with
    it closed (``2>&-``) it could not even quit (QA). For the app's run standard error is the terminal
    (descriptor 2 points where 1 does); afterwards it is what it was, for the lines said on the way out."""
    redirect = False
    with contextlib.suppress(AttributeError, ValueError, OSError):
        redirect = os.isatty(1) and not os.isatty(2)
    if not redirect:
        yield
        return
    saved = os.dup(2)
    stream = sys.__stderr__
    os.dup2(1, 2)
    if stream is None:  # (closed at start: the cli held /dev/null on 2, and Python has no stream for it)
        setattr(sys, "__stderr__", open(2, "w", encoding="utf-8", errors="replace", closefd=False))  # noqa: B010, SIM115
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            if sys.__stderr__ is not None:
                sys.__stderr__.flush()
        os.dup2(saved, 2)
        os.close(saved)
        setattr(sys, "__stderr__", stream)  # noqa: B010 (typeshed calls it final)
