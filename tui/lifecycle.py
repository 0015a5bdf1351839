"""The ``newsreview`` process: its entry point, the signals that end it (Ctrl-C, SIGTERM, a hang-up,
SIGQUIT: locks released, workers stopped, one line saying what was left, exit 128 + the signal), the
standard streams it may be started without or in a locale that cannot hold UTF-8, and how any error
becomes one line and an exit status — never a traceback. The commands themselves are in
:mod:`tui.cli`."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import threading
from typing import Any, NoReturn

import typer

from .sanitize import clean, clean_line, writes_utf8

#: what an interrupted command says it left (a command that decides nothing says what it did leave)
_ON_INTERRUPT = "every decision made so far is saved"


def on_interrupt(said: str) -> None:
    """What Ctrl-C (or a signal) on this command says it left, for a command that decides nothing (QA:
    train, reextract and migrate said "every decision made so far is saved")."""
    global _ON_INTERRUPT
    _ON_INTERRUPT = said


def interrupted(err: KeyboardInterrupt) -> NoReturn:
    from .ingest import stop_workers

    stop_workers()
    signum = int(err.args[0]) if err.args and isinstance(err.args[0], int) else int(signal.SIGINT)
    said = {int(signal.SIGTERM): "terminated", int(signal.SIGHUP): "hung up", int(signal.SIGQUIT): "quit"}.get(
        signum, "interrupted"
    )
    exporter = sys.modules.get("tui.app.screens.exporter")  # (loaded only by the review screen)
    running = exporter.still_running_lines() if exporter is not None else []
    with contextlib.suppress(Exception):  # after a hang-up the terminal may be gone (EIO)
        sys.stderr.write(f"newsreview: {said}; {_ON_INTERRUPT}\n")
        sys.stderr.writelines(running)  # QA: said on q, not on a signal
        sys.stderr.flush()
        sys.stdout.flush()
    # the store was closed as the interrupt unwound (its context managers ran); exiting at once spares
    # waiting on multiprocessing's feeder threads, which can block on the pipes of the killed workers
    os._exit(128 + signum)


def terminate(signum: int, frame: Any) -> None:
    # from here on the app is closing: the SIGCONT that comes with a hang-up (or after `kill %1`, a
    # suspended job's SIGTERM) must not make Textual take the terminal back — QA: "internal error: no
    # running event loop" as it did so during the unwinding, and a job killed while suspended stopped
    # itself again on touching the terminal from the background (SIGTTOU), holding the reviewer's lock
    for sig, how in (
        (signal.SIGCONT, signal.SIG_DFL),
        (signal.SIGTTOU, signal.SIG_IGN),
        (signal.SIGTTIN, signal.SIG_IGN),
    ):
        with contextlib.suppress(ValueError, OSError):  # (ValueError: not the main thread)
            signal.signal(sig, how)
    _end_anyway(signum)
    try:
        from .ingest import interrupt
    except ImportError:  # the signal came while tui.ingest itself was being imported: no workers yet
        raise KeyboardInterrupt(signum) from None  # (review: "partially initialized module" on Ctrl-C)
    interrupt(signum, frame)


#: seconds a command has to close after a terminating signal before it is ended without its cleanup
END_ANYWAY = 10.0
_ending: list[threading.Timer] = []
#: set by :func:`main` — the timer is for the command's own process, never one that calls
#: :func:`terminate` otherwise and goes on (a test, say: it ended the test run 10 s later)
_END_ANYWAY_ARMED = False


def _end_anyway(signum: int) -> None:
    """End the process ``END_ANYWAY`` seconds after the first terminating signal, whatever became of
    the interrupt raised for it. QA (SSH): a hang-up in the app's first second was lost while Textual
    started — the app ran on, its input thread spinning on the dead terminal, its reviewer's lock held,
    and SIGTERM did nothing more. Every decision shown is saved already; the lock goes with the
    process, and a presence left behind is not shown once the process is gone."""
    if _ending or not _END_ANYWAY_ARMED:
        return

    def end() -> None:
        with contextlib.suppress(Exception):
            sys.stderr.write(f"newsreview: {signal.Signals(signum).name} was not handled in time; ending now\n")
            sys.stderr.flush()
        os._exit(128 + signum)

    timer = threading.Timer(END_ANYWAY, end)
    timer.daemon = True
    _ending.append(timer)
    timer.start()


def main() -> None:
    """The ``newsreview`` command."""
    global _END_ANYWAY_ARMED
    _END_ANYWAY_ARMED = True
    try:
        _run()
    finally:  # (a test calling main() in its own process goes on after it)
        _END_ANYWAY_ARMED = False


def _run() -> None:
    from extractors.nlp import ModelError
    from extractors.records import InputError

    signal.signal(signal.SIGTERM, terminate)  # like Ctrl-C: locks released, workers stopped, exit 143
    # Ctrl-C (SIGINT) the same way; also so that asyncio, which the review screen runs on, keeps its
    # hands off it (QA: its own handler ended the app as a quit would, exit 0, without a word)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, terminate)
    # a dropped SSH connection (or a closed terminal window): the same clean close — presence cleared,
    # so the desk does not see the analyst "on" the article for another minute — exit 129; a command
    # started with nohup (a long `add`, `serve`) keeps running, as it asked
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # under nohup it stays ignored
        signal.signal(signal.SIGHUP, terminate)
    # `kill -QUIT` (no key sends it: the review screen reads Ctrl-\ as a key): by default it dumped
    # core, leaving the terminal raw with mouse reporting on and the analyst "present" for a minute
    # (QA, stop 44); the same clean close, exit 131
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_DFL:
        signal.signal(signal.SIGQUIT, terminate)
    _guard_closed_streams()
    _tolerant_streams()
    _sane_environment()
    from .cli import app

    try:
        code = app(prog_name="newsreview", standalone_mode=False)
    except typer.TyperException as err:  # a mistyped option or argument: one line, like every other error
        ctx = getattr(err, "ctx", None)
        hint = f" (see '{clean_line(ctx.command_path, 60)} -h')" if ctx is not None else ""
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        sys.stderr.write(f"newsreview: error: {clean_line(message, 300)}{hint}\n")
        sys.exit(getattr(err, "exit_code", 2))
    except typer.Abort:
        sys.stderr.write("newsreview: aborted\n")
        sys.exit(1)
    except (InputError, ModelError) as err:
        sys.stderr.write(f"newsreview: error: {clean_line(err)}\n")
        sys.exit(1)
    except KeyboardInterrupt as err:
        interrupted(err)
    except Exception as err:
        from .store import StoreError

        if isinstance(err, StoreError):
            sys.stderr.write(f"newsreview: error: {clean_line(err)}\n")
        elif isinstance(err, _StdoutClosed):
            sys.stderr.write("newsreview: error: cannot write to standard output: it is closed\n")
        elif isinstance(err, OSError) and err.errno == errno.EIO and not err.filename and _terminal_gone():
            # QA (SSH): hung up before the app had taken the terminal, the first write to it failed
            # ("cannot write to standard output", exit 1): it is a hang-up, and closes as one
            interrupted(KeyboardInterrupt(int(signal.SIGHUP)))
        elif isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            # every file the commands write names itself when it fails; one without a name is standard output
            where = clean_line(err.filename, 200) if err.filename else "standard output"
            sys.stderr.write(f"newsreview: error: cannot write to {where}: {os.strerror(err.errno).lower()}\n")
        elif isinstance(err, OSError) and err.filename:  # the system refused a file (a name too long, say)
            from .store.files import why

            sys.stderr.write(f"newsreview: error: {clean_line(err.filename, 200)}: {clean_line(why(err), 200)}\n")
        else:
            sys.stderr.write(
                f"newsreview: internal error: {type(err).__name__}: {clean_line(err, 300)} "
                "(set NEWSREVIEW_DEBUG=1 for details)\n"
            )
            if os.environ.get("NEWSREVIEW_DEBUG"):
                sys.stderr.write(clean(_traceback()))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _terminal_gone() -> bool:
    """Whether the terminal on standard input or output has been hung up."""
    from .app.terminal import hung_up

    return any(hung_up(fd) for fd in (0, 1))


class _StdoutClosed(OSError):
    """Written to a standard output the command was started without (only that EBADF says so)."""


class _ClosedOutput(io.TextIOBase):
    """Standard output when the command was started without one (``newsreview export >&-``): writing
    to it fails with one line, as ``cat`` does, instead of an AttributeError on ``None``."""

    def write(self, text: str) -> int:
        raise _StdoutClosed(errno.EBADF, "standard output is closed")

    def fileno(self) -> int:
        raise _StdoutClosed(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _guard_closed_streams() -> None:
    """A closed descriptor 1 or 2 is held on /dev/null, so that no file the store opens takes its number
    (a child process would print into it); Python's stream for it is then ``None``: standard output
    becomes :class:`_ClosedOutput`, standard error a sink (nothing can be shown; the status tells)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - an empty input, as </dev/null
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process


def _sane_environment() -> None:
    """What the shell left that would mislead the commands: a current folder removed since (spaCy's import
    asks for it: QA saw "internal error: FileNotFoundError" from ``add`` given absolute paths), and
    COLUMNS or LINES of 0 or no number (``status`` printed nothing, exit 0)."""
    try:
        os.getcwd()
    except FileNotFoundError:
        sys.stderr.write(
            "newsreview: error: the current folder no longer exists (removed while the shell was in it); "
            "cd to a folder that does and run the command again\n"
        )
        sys.exit(1)
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        if value is not None and not (value.strip().isdigit() and int(value) > 0):
            del os.environ[name]


def _tolerant_streams() -> None:
    """Under a locale that is not UTF-8 (ISO-8859-1, say), a character it cannot hold is written as
    "?" instead of ending the command (QA: ``--help``, ``articles``, ``agreement`` and ``status``
    stopped with an internal UnicodeEncodeError at their first em dash or "Ł")."""
    for stream in (sys.stdout, sys.stderr):
        if not writes_utf8(stream) and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


def _traceback() -> str:
    import traceback

    return traceback.format_exc()
