"""A TinyDB storage whose writes are appends to a journal, so a durable write costs the same at any size.

On disk, beside each other in the store folder:

- ``newsreview.json`` — a snapshot in TinyDB's own JSON layout (``{table: {doc_id: doc}}``), plus a
  ``_meta`` table holding the journal sequence number the snapshot includes. Replaced atomically
  (temp file, fsync, ``os.replace``, fsync of the folder); never rewritten in place.
- ``journal.jsonl`` — one JSON line per transaction, ``{"seq": n, "ops": [[table, doc_id, doc], ...]}``,
  written with one ``write`` + ``fdatasync`` each. A transaction is all-or-nothing: a torn last line
  (a crash mid-write) was never acknowledged and is ignored.

The state is the snapshot plus every journal line with ``seq`` above the snapshot's. :class:`JournalTable`
makes TinyDB's ``insert``/``insert_multiple`` appends (O(1)) instead of whole-table rewrites; any other
TinyDB write (update, remove) still works, through a full atomic snapshot.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

SNAPSHOT = "newsreview.json"
JOURNAL = "journal.jsonl"
META = "_meta"
FORMAT = "newsreview-store/1"


class StoreError(RuntimeError):
    """Any store problem, with a message fit to show an analyst as is."""


class StoreDamaged(StoreError):
    pass


class StoreWriteError(StoreError):
    pass


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: str) -> None:
    """Write a file so that it is either the old or the new version, never a mix, even on power loss."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreWriteError(f"cannot write {path}: {err.strerror or err}") from None


class JournalStorage(Storage):
    """TinyDB storage: snapshot + append-only journal, all state in memory."""

    def __init__(self, folder: str | os.PathLike[str], writable: bool = False):
        self.folder = Path(folder)
        self.snapshot_path = self.folder / SNAPSHOT
        self.journal_path = self.folder / JOURNAL
        self.writable = writable
        self._fd: int | None = None
        self.seq = 0
        self.journal_lines = 0
        self.data: dict[str, dict[str, Any]] = self._load()
        if writable:
            self._open_journal()

    # -- reading -----------------------------------------------------------------------------------

    def _load(self) -> dict[str, dict[str, Any]]:
        """Snapshot + journal, retried if a writer compacts between the two reads."""
        for _ in range(20):
            before = _stat(self.snapshot_path)
            data = self._read_snapshot()
            self._replay(data)
            if _stat(self.snapshot_path) == before:
                return data
        raise StoreError(f"{self.folder}: the store kept changing while being read; try again")

    def _read_snapshot(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.snapshot_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise StoreError(f"{self.folder}: no {SNAPSHOT} here: not a newsreview store") from None
        except UnicodeDecodeError:
            raise StoreDamaged(self._damaged(self.snapshot_path, "is not UTF-8 text")) from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as err:
            raise StoreDamaged(
                self._damaged(self.snapshot_path, f"is not valid JSON (line {err.lineno}: {err.msg})")
            ) from None
        meta = data.get(META, {}).get("1") if isinstance(data, dict) else None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise StoreError(
                f"{self.snapshot_path}: not a newsreview store file (no '{FORMAT}' marker); use another --store"
            )
        self.seq = int(meta.get("seq", 0))
        return data

    def _replay(self, data: dict[str, dict[str, Any]]) -> None:
        self.journal_lines = 0
        self._good_size = 0
        try:
            with open(self.journal_path, "rb") as fh:
                content = fh.read()
        except FileNotFoundError:
            return
        offset = 0
        lines = content.split(b"\n")
        for number, line in enumerate(lines, 1):
            last = number == len(lines)
            if last:
                break  # empty, or a torn transaction without its newline: never acknowledged
            try:
                entry = json.loads(line)
                seq, ops = int(entry["seq"]), entry["ops"]
            except (ValueError, KeyError, TypeError):
                raise StoreDamaged(self._damaged(self.journal_path, f"line {number} is garbled")) from None
            offset += len(line) + 1
            self._good_size = offset
            self.journal_lines += 1
            if seq <= self.seq:
                continue  # already in the snapshot (a compaction was interrupted before the truncate)
            for table, doc_id, doc in ops:
                data.setdefault(table, {})[str(doc_id)] = doc
            self.seq = seq

    def _damaged(self, path: Path, what: str) -> str:
        return (
            f"{path} {what}. The store is damaged and was not changed; "
            f"keep a copy of {self.folder}, then restore {path.name} from a backup or move the folder away "
            "to start a new store"
        )

    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    # -- writing -----------------------------------------------------------------------------------

    def _open_journal(self) -> None:
        try:
            self._fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            size = os.fstat(self._fd).st_size
            if size != self._good_size:
                os.ftruncate(self._fd, self._good_size)  # drop the torn, never-acknowledged tail
                os.fsync(self._fd)
        except OSError as err:
            raise StoreWriteError(f"cannot write {self.journal_path}: {err.strerror or err}") from None

    def append(self, ops: list[tuple[str, int, dict[str, Any]]]) -> None:
        """Durably append one transaction; only then apply it in memory."""
        if self._fd is None:
            raise StoreWriteError(f"{self.folder}: the store is open read-only")
        line = (_dumps({"seq": self.seq + 1, "ops": ops}) + "\n").encode("utf-8")
        size = self._good_size
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(28, "short write (disk full?)")
            os.fdatasync(self._fd)
        except OSError as err:
            try:
                os.ftruncate(self._fd, size)  # never leave a partial transaction in the middle
            except OSError:
                pass
            raise StoreWriteError(f"could not save to {self.journal_path}: {err.strerror or err}") from None
        self._good_size = size + len(line)
        self.seq += 1
        self.journal_lines += 1
        for table, doc_id, doc in ops:
            self.data.setdefault(table, {})[str(doc_id)] = doc

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """TinyDB's generic whole-database write (update/remove/...): a full atomic snapshot."""
        self.data = data
        self.compact()

    def compact(self) -> None:
        """Fold the journal into a new snapshot, then empty the journal."""
        if self._fd is None:
            raise StoreWriteError(f"{self.folder}: the store is open read-only")
        meta = dict(self.data.get(META, {}).get("1", {}))
        meta.update(format=FORMAT, seq=self.seq)
        self.data.setdefault(META, {})["1"] = meta
        atomic_write(self.snapshot_path, _dumps(self.data))
        try:
            os.ftruncate(self._fd, 0)
            os.fsync(self._fd)
        except OSError as err:
            raise StoreWriteError(f"cannot truncate {self.journal_path}: {err.strerror or err}") from None
        self._good_size = 0
        self.journal_lines = 0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def create_snapshot(folder: Path, meta: Mapping[str, Any]) -> None:
    atomic_write(folder / SNAPSHOT, _dumps({META: {"1": {**meta, "format": FORMAT, "seq": 0}}}))


class JournalTable(Table):
    """A TinyDB table whose inserts are single journal appends instead of whole-table rewrites."""

    def insert(self, document: Mapping[str, Any]) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        storage = self.storage
        if not isinstance(storage, JournalStorage):  # pragma: no cover - used only with our storage
            return super().insert_multiple(documents)
        ops = []
        ids = []
        for document in documents:
            doc_id = self._get_next_id()
            ids.append(doc_id)
            ops.append((self.name, doc_id, dict(document)))
        try:
            storage.append(ops)
        except StoreError:
            self._next_id = None  # the ids were not used
            raise
        self.clear_cache()
        return ids


class JournalDB(TinyDB):
    table_class = JournalTable
    default_table_name = "articles"


def transaction(db: JournalDB, items: list[tuple[str, Mapping[str, Any]]]) -> list[int]:
    """Insert documents into several tables as one durable, all-or-nothing journal line."""
    storage: JournalStorage = db.storage  # type: ignore[assignment]
    ops = []
    for table_name, document in items:
        table = db.table(table_name)
        ops.append((table_name, table._get_next_id(), dict(document)))
    try:
        storage.append(ops)
    except StoreError:
        for table_name, _ in items:
            db.table(table_name)._next_id = None
        raise
    for table_name in {name for name, _ in items}:
        db.table(table_name).clear_cache()
    return [op[1] for op in ops]
