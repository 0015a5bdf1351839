"""What the commands write: their result — on standard output or, with ``-o``, atomically to a file
that must not be one of the store's own or an input — and their one-line errors and notes on
standard error. Every line goes through :mod:`tui.sanitize`: outside text is data, never control
codes."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer

from .sanitize import clean_line


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, no traceback."""
    sys.stderr.write(f"newsreview: error: {clean_line(message)}\n")
    raise typer.Exit(code)


def warn(message: str) -> None:
    sys.stderr.write(f"newsreview: {clean_line(message)}\n")


def rich_console(stderr: bool = False) -> Any:
    from rich.console import Console

    from .widths import spacing_marks_take_a_cell

    spacing_marks_take_a_cell()  # a table's columns measured as the terminal draws them
    return Console(stderr=stderr, highlight=False)


def dash_is_stdout(output: Path | None) -> Path | None:
    """``-o -`` is standard output, as ``apply -`` reads standard input (a file named ``-`` is
    written with its full path, ``-o "$PWD/-"``: typer makes ``./-`` a plain ``-``)."""
    return None if output is not None and str(output) == "-" else output


def safe_output(output: Path | None, inputs: Sequence[Path] = (), *, file: bool = False) -> None:
    """Refuse an ``-o`` that would replace a store's own file (an export written over a journal lost
    its decisions for good) or one of the command's input files; with ``file``, one that cannot be a
    file (a folder, a missing folder's), before any work is done (QA: the export ran, and wrote the
    store's caches, before it said it could not write there)."""
    if output is None:
        return
    if file:
        with contextlib.suppress(OSError, ValueError):
            if output.is_dir():
                empty = " (an empty -o names the current folder)" if "" in sys.argv[1:] else ""  # QA: -o ''
                fail(f"cannot write {clean_line(output)}: it is a folder{empty} (nothing was changed)")
            if output.is_symlink() and not output.exists():  # QA: a dangling link said "No such file"
                target = output.parent / os.readlink(output)
                if not target.parent.is_dir():
                    fail(
                        f"cannot write {clean_line(output)}: it is a symbolic link to {clean_line(target)}, "
                        f"and there is no folder {clean_line(target.parent)} (nothing was changed)"
                    )
            if not output.parent.is_dir():
                fail(f"cannot write {clean_line(output)}: no folder {clean_line(output.parent)} (nothing was changed)")
    from .store.folder import store_entry_at

    store = store_entry_at(output)
    if store is not None:
        fail(
            f"-o {clean_line(output)}: that is one of the newsreview store's own files ({clean_line(store)}); write it elsewhere"
        )
    for path in inputs:
        with contextlib.suppress(OSError, ValueError):
            if output.exists() and os.path.samefile(output, path):
                fail(f"-o {clean_line(output)}: that is an input file; write the result elsewhere")
            # a file inside a folder read as input (QA: `extract ex -o ex/a.txt` replaced an article)
            if output.exists() and path.is_dir() and output.resolve().is_relative_to(path.resolve()):
                fail(
                    f"-o {clean_line(output)}: that file is inside the input folder {clean_line(path)}; "
                    "write the result elsewhere"
                )


def write_output(text: str | bytes | Iterable[str], output: Path | None, *, follow: bool = True) -> None:
    """Write the command's output (whole, or in pieces as they are made) to stdout or, atomically,
    to ``output`` (``follow``: through a symlink there to its target)."""
    if output is None:
        pieces = [text] if isinstance(text, str | bytes) else text
        # straight to the descriptor: through sys.stdout, a reader that left mid-way (| head) lost the
        # rest without a word and the exit status was 0 (CPython took the partial write as the end)
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):  # a stream with no descriptor (a test's StringIO)
            for piece in pieces:
                sys.stdout.write(piece.decode("utf-8", "surrogateescape") if isinstance(piece, bytes) else piece)
            return
        try:
            sys.stdout.flush()
            for piece in pieces:
                view = memoryview(piece if isinstance(piece, bytes) else piece.encode("utf-8", "surrogateescape"))
                while view:
                    view = view[os.write(fd, view) :]
        except BrokenPipeError:
            reader_gone()
        return
    from .store.errors import ReaderGone, StoreError
    from .store.files import atomic_write, user_mode

    try:
        atomic_write(output, text, through=follow, new_mode=user_mode(), follow=follow)  # (new: as the umask says)
    except ReaderGone:  # -o /dev/stdout | head, -o fifo: as cat does
        reader_gone()
    except StoreError as err:
        fail(str(err))


def reader_gone() -> NoReturn:
    """Standard output's reader left before the end (``| head``): stop as cat and grep do, quietly and
    with the status a SIGPIPE gives (128 + 13), so that a pipeline with ``pipefail`` sees the cut."""
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
    os._exit(128 + signal.SIGPIPE)
