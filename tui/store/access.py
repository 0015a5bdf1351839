"""Who may read and write a store folder's files: the folder's own permissions.

A file or folder newsreview makes inside a store takes the mode of the folder it is made in
(:func:`~tui.store.files.shared_mode`), so a desk's group folder (``chmod 2775``, a shared group) gives
files every member can read and write, whatever each member's umask. Files made otherwise — by a
release before that rule, or copied in by hand with a private umask — can shut the rest of the desk
out: one private journal stops every other member's commands (they cannot read the store whole).
``doctor`` lists them (:func:`narrower_than_folder`) and ``doctor --repair`` widens the ones its user
owns (:func:`widen`); only a file's owner (or root) may change its mode.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..sanitize import clean_line
from .files import user_name


@dataclass
class Narrow:
    """A file or folder with less access than the store's folder gives."""

    path: Path
    mode: int  # its st_mode
    uid: int
    wanted: int  # the permission bits it lacks
    ident: tuple[int, int] = (0, 0)  # (st_dev, st_ino) as listed: what a repair may change

    def shown(self, folder: Path) -> str:
        return f"{clean_line(self.path.relative_to(folder), 120)} ({user_name(self.uid)}, {stat.filemode(self.mode)})"


def narrower_than_folder(folder: Path, *, names: set[str]) -> list[Narrow]:
    """Every file and folder of the store's own under ``folder`` (``names``: its top-level entries — not
    a backup, nor an export the analyst made there, nor a symlink) that lacks a read or write
    permission the store's folder has — or, for folders, the search (x) and setgid bits. Empty when
    the folder itself cannot be read."""
    try:
        root = stat.S_IMODE(os.stat(folder).st_mode)
    except OSError:
        return []
    for_files, for_dirs = root & 0o666, root & 0o2777
    out: list[Narrow] = []
    for here, dirs, files in os.walk(folder):
        if Path(here) == folder:
            dirs[:] = [d for d in dirs if d in names]
            files = [f for f in files if f in names]
        for name, want in [(d, for_dirs) for d in dirs] + [(f, for_files) for f in files]:
            path = Path(here) / name
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                continue
            lacking = want & ~stat.S_IMODE(st.st_mode)
            if lacking:
                out.append(Narrow(path, st.st_mode, st.st_uid, lacking, (st.st_dev, st.st_ino)))
    return out


def widen(entries: list[Narrow]) -> tuple[list[Narrow], list[Narrow]]:
    """Give each of ``entries`` its user owns the bits it lacks: (widened, left — another user's, or refused)."""
    me = os.geteuid()
    done, left = [], []
    for entry in entries:
        if entry.uid != me and me != 0:
            left.append(entry)
            continue
        # the file listed, held open: never through a link put in its place since (a desk member's
        # link to another's private file would have it widened), nor another file moved there
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            left.append(entry)
            continue
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != entry.ident:
                left.append(entry)
                continue
            os.fchmod(fd, stat.S_IMODE(st.st_mode) | entry.wanted)
        except OSError:
            left.append(entry)
        else:
            done.append(entry)
        finally:
            os.close(fd)
    return done, left
