"""Append-only, checksummed journals, and the TinyDB storage on top of them.

A journal is a JSON-lines file; each line is one transaction, all-or-nothing::

    {"seq":7,"ops":[["decisions",12,{...}],...],"crc":"9a0b1c2d"}

``crc`` is the CRC-32 of the line's bytes up to (not including) ``,"crc":`` with the closing brace put
back, so a reader checks a line without re-serialising it. ``seq`` counts lines from 1 without gaps.
A line is written with one ``write`` and made durable with ``fdatasync`` before the call returns.

What a reader accepts: every complete line must parse, carry a matching checksum and the next ``seq``;
only an incomplete *last* line (no newline: a write cut short by a crash or power loss, never
acknowledged) may be left out. Anything else is damage, reported as ``FILE line N: why`` and the
store is not written until ``newsreview doctor`` has looked at it.

Beside each journal a *mark* (``NAME.mark``: line count, size and checksum of the last line) is
rewritten when a writer closes the journal and every few hundred lines. A journal found shorter than
its mark, or whose line at the mark's count has another checksum, was truncated or replaced: damage.

:class:`JournalStorage`/:class:`JournalTable` make a journal a TinyDB storage whose ``insert`` is one
append (TinyDB's stock storage rewrites the whole file on every insert).
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from ..sanitize import clean_line
from .errors import StoreDamaged, StoreError, StoreWriteError
from .files import atomic_write, fsync_dir, open_regular, read_file, why

MARK_EVERY = 500  # lines between marks written by a long-running writer
_SUFFIX_LEN = len(b',"crc":"00000000"}')

Op = list[Any]  # [table, doc_id, document]


def next_id(table: Table) -> int:
    """TinyDB's next document id of ``table`` (its private counter, untyped upstream)."""
    return int(table._get_next_id())  # type: ignore[no-untyped-call]


def set_next_id(table: Table, value: int | None) -> None:
    table._next_id = value  # type: ignore[assignment]


def encode_line(seq: int, ops: list[Op]) -> bytes:
    body = orjson.dumps({"seq": seq, "ops": ops})
    crc = zlib.crc32(body)
    return body[:-1] + b',"crc":"%08x"}\n' % crc


def check_line(raw: bytes | bytearray) -> tuple[int, str]:
    """(seq, crc) of one complete line (without its newline), verified without parsing its JSON;
    ValueError says what is wrong."""
    if len(raw) <= _SUFFIX_LEN or not raw.endswith(b'"}') or raw[-_SUFFIX_LEN:-10] != b',"crc":"':
        raise ValueError("no checksum (not a newsreview journal line, or cut short)")
    crc = raw[-10:-2].decode("ascii", "replace")
    if f"{zlib.crc32(raw[:-_SUFFIX_LEN] + b'}'):08x}" != crc:
        raise ValueError("checksum mismatch (the line was changed or garbled)")
    if not raw.startswith(b'{"seq":'):
        raise ValueError("not a journal entry")
    try:
        return int(raw[7 : raw.find(b",", 7)]), crc
    except ValueError:
        raise ValueError("not a journal entry") from None


def verified_lines(
    journal: Journal, data: bytes | bytearray, start: int, *, final: bool, offset: int = 0
) -> Iterator[tuple[int, bytes]]:
    """The complete lines of ``data`` from byte ``start``, each checked (checksum, the next sequence
    number) as ``(position, line)``; ``journal``'s counters follow. ``offset``: where ``data`` starts in
    the file. Damage raises :class:`StoreDamaged` naming the line; with ``final`` false (a live poll),
    a bad *last* line is left for the next look (another process may be writing it)."""
    pos = start
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        raw = bytes(data[pos:end])
        number = journal.lines + 1
        try:
            seq, crc = check_line(raw)
        except ValueError as err:
            if not final and data.find(b"\n", end + 1) < 0:
                break
            raise journal.damaged(f"line {number}: {err}") from None
        if seq != journal.seq + 1:
            raise journal.damaged(f"line {number}: sequence {seq} follows {journal.seq} (lines missing or moved)")
        journal.seq, journal.lines, journal.last_crc = seq, number, crc
        journal.size = offset + end + 1
        yield pos, raw
        pos = end + 1
    journal.torn = len(data) - pos


# what each record must hold for the store to fold it (the keys it reads without a default)
SHAPES: dict[str, dict[str, type | tuple[type, ...]]] = {
    "articles": {"id": str, "text_sha": str, "shard": str},
    "removed": {"article": str},
    "reviewers": {"name": str, "journal": str},
    "extractions": {"article": str, "id": str, "counts": dict, "labels": dict, "candidates": list},
    "assignments": {"article": str, "reviewers": list, "at": str},
    "takes": {"article": str, "from": str, "to": str, "at": str},
    "settings": {"key": str},
    "decisions": {"id": str, "article": str, "candidate": str, "action": str, "reviewer": str, "at": str},
}


def ops_problem(ops: Any) -> str | None:
    """What is wrong with the ops of a line whose checksum matched (a line written by something else
    than newsreview, or by a newsreview that wrote records of another shape), or None."""
    if not isinstance(ops, list):
        return "not a journal entry (no list of records)"
    for op in ops:
        if not (isinstance(op, list) and len(op) == 3 and isinstance(op[0], str) and isinstance(op[2], dict)):
            return f"a record of the wrong shape ({clean_line(orjson.dumps(op).decode(), 60)})"
        table, doc_id, doc = op
        if not isinstance(doc_id, int) or isinstance(doc_id, bool):
            return f"a '{clean_line(table, 40)}' record without a number"
        for key, kind in SHAPES.get(table, {}).items():
            if not isinstance(doc.get(key), kind):
                what = "without" if key not in doc else "with a wrong"
                return f"a '{table}' record {what} '{key}'"
    return None


def parse_ops(raw: bytes) -> list[Op]:
    """The ops of a line :func:`verified_lines` has checked; ValueError says what is wrong with them
    (the checksum matched, but they are not records newsreview wrote)."""
    try:
        entry = orjson.loads(raw[:-_SUFFIX_LEN] + b"}")
    except orjson.JSONDecodeError:
        raise ValueError("not a journal entry") from None
    ops = entry.get("ops") if isinstance(entry, dict) else None
    problem = ops_problem(ops)
    if problem is not None:
        raise ValueError(problem)
    assert isinstance(ops, list)
    return ops


def writer_of(ops: list[Op]) -> str | None:
    """The reviewer a journal line's decision records name (every line of a reviewer's journal is
    theirs), or None for a line that holds none."""
    for op in ops:
        if isinstance(op, list) and len(op) == 3 and op[0] == "decisions" and isinstance(op[2], dict):
            who = op[2].get("reviewer")
            if isinstance(who, str):
                return who
    return None


def decode_line(raw: bytes) -> tuple[int, list[Op], str]:
    """``(seq, ops, crc)`` of one complete line (without its newline); ValueError says what is wrong."""
    if len(raw) <= _SUFFIX_LEN or not raw.endswith(b'"}') or raw[-_SUFFIX_LEN:-10] != b',"crc":"':
        raise ValueError("no checksum (not a newsreview journal line, or cut short)")
    crc = raw[-10:-2].decode("ascii", "replace")
    body = raw[:-_SUFFIX_LEN] + b"}"
    if f"{zlib.crc32(body):08x}" != crc:
        raise ValueError("checksum mismatch (the line was changed or garbled)")
    try:
        entry = orjson.loads(body)
        seq, ops = entry["seq"], entry["ops"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise ValueError("not a journal entry") from None
    if not isinstance(seq, int) or not isinstance(ops, list):
        raise ValueError("not a journal entry")
    problem = ops_problem(ops)
    if problem is not None:
        raise ValueError(problem)
    return seq, ops, crc


def binding_of(store_id: str, path: Path) -> dict[str, str] | None:
    """What a journal's mark names: its store and its file (None while the store id is unknown)."""
    return {"store": store_id, "file": path.name} if store_id else None


def binding_problem(mark: Mapping[str, Any], binding: Mapping[str, str] | None) -> str | None:
    """Why a mark says its journal belongs elsewhere (another store, another file), or None. Marks
    written before marks were bound name neither and pass."""
    if binding is None:
        return None
    store, file = mark.get("store"), mark.get("file")
    if store is not None and store != binding.get("store"):
        return (
            f"belongs to another store (its mark names store {clean_line(store, 40)}, this is "
            f"{clean_line(binding.get('store'), 40)}): copied from elsewhere"
        )
    if file is not None and file != binding.get("file"):
        return f"is another journal's copy (its mark was written for {clean_line(file, 80)})"
    return None


class Journal:
    """One journal file: reading (all, or what was appended since the last read) and appending."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mark_path = path.with_name(path.name + ".mark")
        self.size = 0  # bytes of complete, verified lines read so far
        self.lines = 0
        self.seq = 0
        self.last_crc: str | None = None
        self.torn = 0  # bytes of an incomplete last line seen by the last read
        self._fd: int | None = None
        self._stuck = False  # a failed append's bytes could not be cut off again
        self._mark: dict[str, Any] | None = None
        self._mark_checked = False
        self._since_mark = 0
        self.last_line = b""  # the line the last append wrote
        # the store and file this journal belongs to, written into its mark and checked against a mark
        # read (a journal copied with its mark from another store or another reviewer is damage)
        self.binding: dict[str, str] | None = None

    @property
    def shown(self) -> str:
        return clean_line(self.path)

    def damaged(self, what: str) -> StoreDamaged:
        return StoreDamaged(
            f"damaged: {self.shown} {what}; the store is unchanged. Run 'newsreview doctor' to see what is "
            "wrong (with --repair it keeps a backup and says what it drops)"
        )

    # -- reading -----------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists() or self.mark_path.exists()

    def read_mark(self) -> dict[str, Any] | None:
        try:
            raw = read_file(self.mark_path)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise StoreError(f"cannot read {clean_line(self.mark_path)}: {why(err)}") from None
        try:
            mark = orjson.loads(raw)
            if not (isinstance(mark, dict) and isinstance(mark.get("lines"), int) and isinstance(mark.get("crc"), str)):
                raise ValueError
        except ValueError:
            raise StoreDamaged(
                f"damaged: {clean_line(self.mark_path)} is unreadable; run 'newsreview doctor'"
            ) from None
        problem = binding_problem(mark, self.binding)
        if problem is not None:
            raise self.damaged(problem)
        return mark

    def read_new(self, *, final: bool = True) -> list[tuple[int, list[Op]]]:
        """Transactions appended since the last read, verified. ``final``: this is a complete read (at
        open, or by doctor); otherwise a live poll, where a last line being written is simply not yet
        there."""
        if not self._mark_checked:
            self._mark = self.read_mark()
        try:
            data = read_file(self.path, self.size)
        except FileNotFoundError:
            if self._mark is not None and self._mark["lines"] > 0:
                raise self.damaged(f"is missing (its mark records {self._mark['lines']} lines)") from None
            self._mark_checked = True
            return []
        except OSError as err:
            raise StoreError(f"cannot read {self.shown}: {why(err)}") from None
        out: list[tuple[int, list[Op]]] = []
        for _, raw in verified_lines(self, data, 0, final=final, offset=self.size):
            if self._mark is not None and self.lines == self._mark["lines"] and self.last_crc != self._mark["crc"]:
                raise self.damaged(f"line {self.lines} is not the line its mark recorded (the file was replaced)")
            try:
                out.append((self.seq, parse_ops(raw)))
            except ValueError as err:
                raise self.damaged(f"line {self.lines}: {err}") from None
        if not self._mark_checked and final:
            self._mark_checked = True
            if self._mark is not None and self.lines < self._mark["lines"]:
                raise self.damaged(
                    f"has {self.lines} complete lines but {self._mark['lines']} were recorded: it was truncated"
                )
        return out

    # -- writing -----------------------------------------------------------------------------------

    def open_for_append(self, *, mark_unmarked: bool = False) -> str | None:
        """Open for appending (after a final read; called again, it re-checks). Drops an incomplete last
        line left by a crash and returns a notice saying so. ``mark_unmarked`` (a reviewer's journal,
        one writer): lines a killed writer left after the last mark are marked now."""
        notice = None
        if self._fd is not None:
            self._still_ours(size=False)  # (its size: a torn tail is cut below)
        try:
            if self._fd is None:
                new = not os.path.lexists(self.path)
                self._fd = open_regular(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
                if new:  # QA: a new journal's name was not durable before its first decision was
                    fsync_dir(self.path.parent)  # acknowledged (a power cut could lose the file)
            size = os.fstat(self._fd).st_size
            if size != self.size:
                os.ftruncate(self._fd, self.size)
                os.fsync(self._fd)
                notice = (
                    f"{self.shown}: dropped an incomplete last line ({size - self.size} bytes), left by a crash "
                    "while it was being written; it was never acknowledged"
                )
        except OSError as err:
            self.close()
            raise StoreWriteError(f"cannot write {self.shown}: {why(err)}") from None
        # lines a writer killed before its next mark appended: marked now, so that a cut of them from
        # here on shows, and the count to the next mark goes on from the last one, not from zero
        # (not the index: several processes append to it in turn, each marking after its own lines)
        if mark_unmarked:
            self._since_mark = self.lines - (self._mark["lines"] if self._mark is not None else 0)
            if self._since_mark > 0:
                self.write_mark()
        return notice

    @property
    def writable(self) -> bool:
        return self._fd is not None

    def append(self, ops: list[Op]) -> int:
        """Durably append one transaction; returns its seq."""
        if self._fd is None:
            raise StoreWriteError(f"{self.shown}: the journal is open read-only")
        self._still_ours()
        line = encode_line(self.seq + 1, ops)
        size = self.size
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(28, "short write (disk full?)")
            os.fdatasync(self._fd)
        except OSError as err:
            try:
                os.ftruncate(self._fd, size)  # never leave a partial transaction behind
            except OSError:
                self._stuck = True  # (said by the next append's check, not as a restore)
            raise StoreWriteError(f"not saved: cannot write {self.shown}: {why(err)}") from None
        self.size = size + len(line)
        self.last_line = line
        self.seq += 1
        self.lines += 1
        self.last_crc = line[-11:-3].decode("ascii")
        self._since_mark += 1
        if self._since_mark >= MARK_EVERY:
            self.write_mark()
        return self.seq

    def _still_ours(self, *, size: bool = True) -> None:
        """Refuse to write when the file open is no longer the one at the path, or (``size``) is not
        as long as this journal knows it: a store restored from a backup, or copied over, behind this
        process (QA: an ``apply`` went on acknowledging decisions into a journal a restore had unlinked,
        and a review screen on into its own journal overwritten in place — each lost)."""
        assert self._fd is not None
        try:
            held, here = os.fstat(self._fd), os.lstat(self.path)
        except OSError as err:
            raise StoreWriteError(f"not saved: cannot check {self.shown}: {why(err)}") from None
        if (held.st_dev, held.st_ino) != (here.st_dev, here.st_ino):
            what = "was replaced"
        elif size and held.st_size != self.size:
            if self._stuck:
                raise StoreWriteError(
                    f"not saved: an earlier write to {self.shown} failed and left {held.st_size - self.size:,} bytes "
                    "that could not be taken back; close newsreview here, then run 'newsreview doctor'"
                )
            what = f"is {held.st_size:,} bytes long where this process wrote {self.size:,}: it was changed"
        else:
            return
        raise StoreWriteError(
            f"not saved: {self.shown} {what} while this process had it open (the store restored from a "
            "backup, or copied over, behind it?). Close newsreview here, then run 'newsreview doctor'"
        )

    def write_mark(self) -> None:
        """Record how long the journal is; best effort (a mark that cannot be written costs nothing but
        the check it allows)."""
        if self.last_crc is None:
            return
        if self._fd is not None:
            try:
                self._still_ours()
            except StoreWriteError:  # a file restored or copied in behind this process: its mark is not ours
                return
        mark: dict[str, Any] = {"lines": self.lines, "size": self.size, "crc": self.last_crc, **(self.binding or {})}
        with contextlib.suppress(StoreError):
            atomic_write(self.mark_path, orjson.dumps(mark))
            self._mark = mark
            self._since_mark = 0

    def close(self) -> None:
        if self._fd is not None:
            if self._since_mark:
                self.write_mark()
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


class JournalStorage(Storage):
    """TinyDB storage over one :class:`Journal`: the tables are the journal's ops, kept in memory."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.data: dict[str, dict[str, Any]] = {}

    def apply(self, ops: Iterable[Op]) -> None:
        for table, doc_id, doc in ops:
            self.data.setdefault(table, {})[str(doc_id)] = doc

    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreError("a newsreview journal only takes inserts (records are never changed or removed)")

    def append(self, ops: list[Op]) -> None:
        self.journal.append(ops)
        self.apply(ops)

    def close(self) -> None:
        self.journal.close()


class JournalTable(Table):
    """A TinyDB table whose inserts are single journal appends instead of whole-table rewrites."""

    def insert(self, document: Mapping[str, Any]) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        storage = self.storage
        assert isinstance(storage, JournalStorage)
        ops: list[Op] = []
        ids = []
        for document in documents:
            doc_id = next_id(self)
            ids.append(doc_id)
            ops.append([self.name, doc_id, dict(document)])
        try:
            storage.append(ops)
        except BaseException:
            set_next_id(self, ids[0] if ids else None)  # nothing was written: the ids are free again
            raise
        finally:
            self.clear_cache()
        return ids


class JournalDB(TinyDB):
    """TinyDB over a journal. ``transaction`` inserts into several tables in one journal line."""

    table_class = JournalTable
    default_table_name = "decisions"

    @property
    def journal(self) -> Journal:
        return self.jstorage.journal

    @property
    def jstorage(self) -> JournalStorage:
        storage = self.storage
        assert isinstance(storage, JournalStorage)
        return storage

    def refresh(self, *, final: bool = True) -> list[Op]:
        """Read what was appended since (by this or another process); returns the new ops."""
        new: list[Op] = []
        for _, ops in self.journal.read_new(final=final):
            self.jstorage.apply(ops)
            new.extend(ops)
        if new:
            for table in self._tables.values():
                table._next_id = None
                table.clear_cache()
        return new

    def transaction(self, items: list[tuple[str, Mapping[str, Any]]]) -> list[Op]:
        ops: list[Op] = []
        first: dict[str, int] = {}
        for name, document in items:
            doc_id = next_id(self.table(name))
            first.setdefault(name, doc_id)
            ops.append([name, doc_id, dict(document)])
        try:
            self.jstorage.append(ops)
        except BaseException:
            for name, doc_id in first.items():
                set_next_id(self.table(name), doc_id)  # nothing was written: the ids are free again
            raise
        finally:
            for name in first:
                self.table(name).clear_cache()
        return ops
