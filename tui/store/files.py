"""Writing files so that a crash, a full disk or a hostile path never leaves a mix of old and new.

- :func:`atomic_write` replaces a regular file (or creates a new one) through an unpredictable temp file
  made with ``O_EXCL`` (``tempfile.mkstemp``) in the same folder, fsync'd, renamed over the target, and
  the folder fsync'd. For an export a symlink is followed to its target and the target replaced (the
  link stays); a store's own file replaces a link in its place, never its target.
  Anything else is not replaced: a character device or a FIFO (``-o /dev/null``, ``-o >(gzip)``) is
  written through for an export (``through``) and refused for a store's own file (opening a FIFO would
  wait for a reader); a directory, a block device, a socket or a read-only file is refused.
- :func:`read_file` reads a store's file, refusing a FIFO or device in its place instead of blocking.
- :func:`create_once` creates a file that must never be replaced (an article): written to a temp file,
  fsync'd, then hard-linked to its name, which fails if the name exists — so two processes adding the
  same article at once cannot both succeed, and a reader never sees a half-written file.

Who may read and write a store is its folder's permissions, not the umask of whoever happens to write
a file first: a file or folder the store makes takes the mode of the folder it is made in
(:func:`shared_mode`, :func:`make_folder`) — a desk's group folder (``chmod 2775``) gives files every
member can write, a private folder (700) private files. A file replaced keeps its mode.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import contextlib
import errno
import grp
import os
import pwd
import stat
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from .errors import ReaderGone, StoreError, StoreWriteError


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def why(err: OSError) -> str:
    """A short reason for an OSError (``No space left on device``...); a permission refused names the
    file's owner and mode, which say whom to ask (a desk member whose umask made it private)."""
    if err.errno == errno.ENOSPC:
        return "no space left on device"
    if err.errno == errno.EDQUOT:
        return "disk quota exceeded"
    if err.errno == errno.EFBIG:
        return "file too large (size limit reached)"
    if err.errno in (errno.EACCES, errno.EPERM) and isinstance(err.filename, str | bytes | os.PathLike):
        return f"{err.strerror or 'permission denied'}{_owner_and_mode(err.filename)}"
    return err.strerror or str(err)


def user_name(uid: int) -> str:
    """The login name of ``uid`` (shown: cleaned), or "uid N" when it has none here."""
    try:
        return clean_line(pwd.getpwuid(uid).pw_name, 32)
    except (KeyError, OSError):
        return f"uid {uid}"


def _owner_and_mode(path: Any) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return ""
    try:
        group = clean_line(grp.getgrgid(st.st_gid).gr_name, 32)
    except (KeyError, OSError):
        group = f"gid {st.st_gid}"
    return f" ({user_name(st.st_uid)}:{group}, {stat.filemode(st.st_mode)}; its owner can change that with chmod)"


def need_entry(folder: Path, doing: str) -> None:
    """Refuse, in one line naming the folder's owner and mode, a store folder this user may not enter
    (``Path.exists`` raises PermissionError there: QA saw "internal error" for another's folder of 700).
    Anything else (missing, not a folder) is the caller's to say."""
    try:
        os.stat(os.path.join(folder, "."))  # (inside it: its search permission is asked)
    except PermissionError as err:
        raise StoreError(f"cannot {doing} {clean_line(folder)}: {why(err)}") from None
    except OSError:
        pass


def shared_mode(folder: Path) -> int:
    """The mode of a new file in ``folder``: the folder's own read and write bits (a folder of mode 2775
    gives 664, 755 gives 644, 700 gives 600), whoever writes it and whatever their umask."""
    try:
        return stat.S_IMODE(os.stat(folder).st_mode) & 0o666
    except OSError:
        return 0o644


def make_folder(path: Path, *, exist_ok: bool = False) -> bool:
    """``mkdir`` with the mode of the folder it is made in (its setgid and sticky bits too, so that a
    desk group's ownership carries on): True if this call made it. The mode is set on the folder made,
    held open (never through a link another member could put in its place meanwhile); should the
    filesystem refuse it, the folder keeps what the umask gave."""
    try:
        os.mkdir(path, 0o777)
    except FileExistsError:
        if exist_ok and path.is_dir():
            return False
        raise
    with contextlib.suppress(OSError):
        parent = stat.S_IMODE(os.stat(path.parent).st_mode) & 0o3777
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.fchmod(fd, parent)
        finally:
            os.close(fd)
    return True


def new_folder(parent: Path, name: str, what: str) -> Path:
    """A folder made now for this call alone: ``name``, else ``name-2``, ``name-3``… (a backup beside an
    earlier one); :class:`StoreWriteError` naming ``what`` if none can be made."""
    for n in range(1, 1000):
        path = parent / (name if n == 1 else f"{name}-{n}")
        try:
            make_folder(path)
        except FileExistsError:
            continue
        except OSError as err:
            raise StoreWriteError(f"cannot make {what} in {clean_line(parent)}: {why(err)}") from None
        return path
    raise StoreWriteError(f"cannot make {what} in {clean_line(parent)}: too many of them")


def user_mode() -> int:
    """The mode of a new file of the user's own (an export): 666 less their umask."""
    mask = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("Umask:"):
                mask = int(line.split()[1], 8)
    if mask is None:  # (not Linux: the classic dance; no thread of ours makes files meanwhile)
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def _temp_beside(path: Path) -> tuple[int, Path]:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    return fd, Path(name)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "short write")
        view = view[written:]


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


#: what :func:`atomic_write` writes: the whole content, or its pieces in order (an export streams)
Content = str | bytes | Iterable[str | bytes]


def _pieces(data: Content) -> Iterator[bytes]:
    if isinstance(data, str | bytes):
        yield _as_bytes(data)
        return
    for piece in data:
        yield _as_bytes(piece)


def atomic_write(
    path: Path,
    data: Content,
    *,
    mode: int | None = None,
    durable: bool = True,
    through: bool = False,
    new_mode: int | None = None,
    follow: bool = False,
) -> None:
    """Write ``data`` to ``path`` so that it is either the old or the new content, never a mix.
    ``data`` may come in pieces (an iterable): an error raised while they are made leaves the old
    content and no temp file, and goes on to the caller as it is.

    Follows the rules in the module docstring; raises :class:`StoreWriteError` with a one-line reason.
    A FIFO or character device at ``path`` is written through only when ``through`` (an export to
    ``/dev/stdout`` or a pipe); a store's own file never is: opening a FIFO would wait for a reader.
    ``mode``: the file's mode; else a file replaced keeps its own, and a new one gets ``new_mode`` —
    by default its folder's (:func:`shared_mode`: a store's file). ``follow``: a symlink at ``path`` is
    followed and its target replaced (an export, ``-o link``); a store's own file is never written
    through a link — the link itself is replaced (QA: a desk member's link in ``cache/`` made another
    member's command overwrite a file in her home folder).
    """
    target = Path(path)
    shown = clean_line(target)
    if through:
        with contextlib.suppress(OSError):
            # followed by the kernel: /dev/stdout and bash's >(…) are links through /proc/self/fd to a
            # pipe ("pipe:[…]"), which no path names — the hops below would take it for a missing file
            st = os.stat(target)
            if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
                _write_through(target, data, shown, follow=True)
                return
    for _ in range(40):  # symlink hops
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            break
        except OSError as err:
            raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
        if stat.S_ISLNK(st.st_mode):
            if not follow:
                break  # replaced by the new file, the link's target untouched
            link = Path(os.readlink(target))
            target = link if link.is_absolute() else target.parent / link
            continue
        if stat.S_ISREG(st.st_mode):
            if st.st_mode & 0o222 == 0:
                raise StoreWriteError(f"cannot write {shown}: the file is read-only (nothing was changed)")
            if mode is None:
                mode = stat.S_IMODE(st.st_mode)
            break
        if through and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            _write_through(target, data, shown)
            return
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a FIFO, socket or device)"
        raise StoreWriteError(f"cannot write {shown}: it is {kind} (nothing was changed)")
    else:
        raise StoreWriteError(f"cannot write {shown}: too many levels of symbolic links")
    if mode is None:
        mode = shared_mode(target.parent) if new_mode is None else new_mode
    _replace(target, data, mode, shown, durable)


def _write_through(target: Path, data: Content, shown: str, *, follow: bool = False) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | (0 if follow else os.O_NOFOLLOW))
    except OSError as err:
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
    try:
        for piece in _pieces(data):
            _write_all(fd, piece)
    except BrokenPipeError:
        raise ReaderGone(f"cannot write {shown}: its reader left") from None
    except OSError as err:
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
    finally:
        os.close(fd)


def _written_temp(path: Path, data: Content, mode: int, shown: str, *, durable: bool) -> Path:
    """``data`` in a new, unpredictable temp file beside ``path`` (``O_EXCL``), fsync'd if ``durable``."""
    try:
        fd, tmp = _temp_beside(path)
    except OSError as err:
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
    try:
        try:
            for piece in _pieces(data):
                _write_all(fd, piece)
            os.fchmod(fd, mode)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
    except BaseException:  # the pieces' maker failed (a store error mid-export, Ctrl-C): no temp left
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def _replace(target: Path, data: Content, mode: int, shown: str, durable: bool) -> None:
    tmp = _written_temp(target, data, mode, shown, durable=durable)
    try:
        os.replace(tmp, target)
        if durable:
            fsync_dir(target.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None


def create_once(path: Path, data: str | bytes) -> bool:
    """Create ``path`` with ``data`` unless it exists. True if this call created it.

    The content is complete and on disk before the name appears (temp file + ``link``), so a reader
    never sees a partial file, and of two processes racing only one succeeds.
    """
    shown = clean_line(path)
    raw = _as_bytes(data)
    tmp = _written_temp(path, raw, shared_mode(path.parent), shown, durable=True)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            return _create_exclusive(path, raw)  # a filesystem without hard links
        fsync_dir(path.parent)
        return True
    except OSError as err:
        raise StoreWriteError(f"cannot write {shown}: {why(err)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _create_exclusive(path: Path, raw: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except FileExistsError:
        return False
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, shared_mode(path.parent))
        _write_all(fd, raw)
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)
    fsync_dir(path.parent)
    return True


def read_file(path: Path, offset: int = 0, *, limit: int = -1) -> bytes:
    """The bytes of the regular file at ``path`` from ``offset`` (at most ``limit``); symlinks are
    followed. A FIFO, device or folder in a file's place is refused at once (``OSError``, "not a
    regular file") instead of blocking every command on it."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        os.close(fd)
        raise
    if not regular:
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    with os.fdopen(fd, "rb") as fh:
        if offset:
            fh.seek(offset)
        return fh.read(limit)


def open_regular(path: Path, flags: int) -> int:
    """``os.open`` that refuses symlinks and anything but a regular file (locks, journals); never blocks
    on a FIFO put in a file's place. With ``O_CREAT``, a file it makes gets its folder's mode
    (:func:`shared_mode`)."""
    flags |= os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    for _ in range(5):
        try:
            if flags & os.O_CREAT:
                try:  # (as the umask says first: should the filesystem refuse a mode, that stays)
                    fd = os.open(path, flags | os.O_EXCL, 0o666)
                except FileExistsError:
                    fd = os.open(path, flags & ~os.O_CREAT)
                else:
                    with contextlib.suppress(OSError):
                        os.fchmod(fd, shared_mode(path.parent))
                    return fd
            else:
                fd = os.open(path, flags)
            break
        except FileNotFoundError:
            if not flags & os.O_CREAT:
                raise
            continue  # removed between the two opens: make it again
        except OSError as err:
            if err.errno == errno.ELOOP:  # O_NOFOLLOW's answer to a link ("too many levels" misleads)
                raise OSError(errno.ELOOP, "it is a symbolic link, not a file; run 'newsreview doctor'") from None
            raise
    else:
        raise OSError(errno.ENOENT, "removed as it was being opened", str(path))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
    except OSError:
        os.close(fd)
        raise
    return fd


def sealed(data: dict[str, Any]) -> bytes:
    """A derived (cache) file's bytes: the JSON, then a line with the CRC-32 of it."""
    body = orjson.dumps(data)
    return body + b"\n" + b"%08x\n" % zlib.crc32(body)


def unsealed(raw: bytes) -> Any:
    """What :func:`sealed` wrote, or None if the file is not that (edited, cut, an older version)."""
    body, _, tail = raw.rstrip(b"\n").rpartition(b"\n")
    if len(tail) != 8 or tail != b"%08x" % zlib.crc32(body):
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
