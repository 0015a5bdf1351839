"""The embedded engine: a store is a folder of TinyDB files and journals, on one machine or a shared
filesystem, with no server to run.

    newsreview.json            the store's marker and metadata (TinyDB JSON: table _meta)
    index.jsonl (+ .mark)      journal of store-wide records: articles, reviewers, assignments,
                               takes, settings. Appended under index.lock, held for a moment.
    articles/<key>.json        one TinyDB file per article: text, tokens, the machine's candidates;
                               created once, atomically, never replaced (articles.py)
    journals/<name>.jsonl      one journal per reviewer, holding only that reviewer's decisions;
      (+ .mark, .lock)         its lock is held by that reviewer's one writing process
    presence/<name>.json       which article each reviewer has open (rewritten as they move)

"One writer per file" holds: a reviewer's journal has one writer (its lock), the index is appended by
whoever holds ``index.lock`` after reading what others appended, articles are written once. Readers
take no lock: they read each journal up to its last complete line, and poll for more.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import stat
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from . import clock
from .articles import ArticleFiles, parse
from .decision_log import DecisionLog
from .engine import IndexRecord, Mode
from .errors import StoreDamaged, StoreError, StoreLocked, StoreWriteError
from .files import atomic_write, make_folder, need_entry, open_regular, read_file, why
from .journal import Journal, JournalDB, JournalStorage, binding_of, next_id, set_next_id
from .lock import FileLock, process_alive, short_lock, wait_free

FORMAT = "newsreview-store/2"
V1_FORMAT = "newsreview-store/1"
META_FILE = "newsreview.json"
INDEX = "index.jsonl"
INDEX_LOCK = "index.lock"
ARTICLES = "articles"
JOURNALS = "journals"
PRESENCE = "presence"
PRESENCE_FRESH = 60.0  # seconds after which a presence file is stale (a crashed app)
CLOCK_FILE = "clock"  # in PRESENCE: touched to read the filesystem's time (see FolderEngine.clock_offset)


def journal_slug(reviewer: str) -> str:
    """A file name for a reviewer's journal: readable, and distinct for names that differ only in case
    or punctuation (case-insensitive filesystems)."""
    readable = re.sub(r"[^a-z0-9]+", "-", reviewer.lower()).strip("-")[:24] or "reviewer"
    return f"{readable}-{hashlib.sha1(reviewer.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _db(path: Path) -> JournalDB:
    return JournalDB(Journal(path), storage=JournalStorage)


#: what a store folder holds of its own (a file written over one of them, or into one, damages it);
#: anything else there (``export.json`` the app's E writes, ``models/`` of train) is the user's
STORE_ENTRIES = frozenset(
    {META_FILE, INDEX, INDEX + ".mark", INDEX_LOCK, ARTICLES, JOURNALS, PRESENCE, "cache", "lock", "journal.jsonl"}
)
#: ``doctor --repair``'s backups of what it mended (``doctor-backup-<time>/``): the store's too
BACKUP_PREFIX = "doctor-backup-"


def store_entry_at(path: Path) -> Path | None:
    """The store folder ``path`` would damage, if any: one of a store's own entries (its meta file,
    index, articles, journals, cache …) or a file inside one. Symbolic links are followed."""
    try:
        target = path.expanduser().resolve()
    except (OSError, RuntimeError):
        return None
    for entry in (target, *target.parents):
        folder = entry.parent
        if (entry.name not in STORE_ENTRIES and not entry.name.startswith(BACKUP_PREFIX)) or folder == entry:
            continue
        if is_store_folder(folder):
            return folder
    return None


def is_store_folder(path: Path) -> bool:
    """Whether ``path`` is a store's folder (its meta file, and its articles or journals)."""
    with contextlib.suppress(OSError):
        return (path / META_FILE).is_file() and ((path / ARTICLES).is_dir() or (path / JOURNALS).is_dir())
    return False


class FolderEngine:
    kind = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.location = str(folder)
        self.notices: list[str] = []
        #: a journal changed behind the open store (edited in place, cut, removed): said by the app's
        #: live feed; that journal is read no further (the other reviewers' stay live)
        self.damage: str | None = None
        self.index = _db(folder / INDEX)
        self.files = ArticleFiles(folder / ARTICLES)
        self.log = DecisionLog(folder / "cache" / "decisions.json")
        self.own: JournalDB | None = None  # this reviewer's journal, for appending
        self.lock: FileLock | None = None
        self.reviewer = ""
        self.slug = ""
        self.mode: Mode = "read"
        self.registered: dict[str, str] = {}  # slug -> reviewer
        self.lost: set[str] = set()  # journals doctor found missing and recorded as lost
        self._by_sha: dict[str, str] = {}
        self._by_id: set[str] = set()
        self._last_scan = 0.0
        self.store_id = ""  # from the store's meta file once open
        self.offset = 0.0  # the store's clock less this machine's, as last read (clock_offset)
        self.offset_at: float | None = None  # (monotonic) when the store's clock was last read

    def _bound(self, journal: Journal) -> Journal:
        """``journal``, bound to this store and its file name: its mark says so, and a mark that names
        another store or file (a journal copied here with its mark) is damage."""
        journal.binding = binding_of(self.store_id, journal.path)
        return journal

    @property
    def shown(self) -> str:
        return clean_line(self.folder)

    # -- opening -----------------------------------------------------------------------------------

    def open(self, mode: Mode, reviewer: str, holder: str, *, create: bool = True) -> None:
        self.mode, self.reviewer, self.slug = mode, reviewer, journal_slug(reviewer)
        folder = self.folder
        meta_path = folder / META_FILE
        need_entry(folder, "open the store")
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{self.shown} is a file, not a newsreview store folder; pass --store FOLDER")
        if not meta_path.exists():
            if folder.is_dir():
                self._refuse_unless_empty()
            if not meta_path.exists():
                if mode == "read" or not create:
                    raise StoreError(f"no store at {self.shown} yet: add articles first with 'newsreview add PATH'")
                self._create()
        fmt = self._format(meta_path)
        self._bound(self.index.journal)
        if fmt == V1_FORMAT:
            from .upgrade import upgrade_v1

            self.notices.append(upgrade_v1(folder))
        elif fmt != FORMAT:
            raise StoreError(
                f"{clean_line(meta_path)}: not a store this release of newsreview can open (format "
                f"{clean_line(fmt, 40)!r}); use another --store"
            )
        for sub in (ARTICLES, JOURNALS):
            if (folder / sub).exists() and not (folder / sub).is_dir():
                raise StoreDamaged(f"damaged: {clean_line(folder / sub)} is not a folder; run 'newsreview doctor'")
        if not any(os.path.lexists(folder / name) for name in (INDEX, INDEX + ".mark")) and holds_content(folder):
            wait_free(folder / INDEX_LOCK)  # an add writes an article's file, then its index line, under it
            if not os.path.lexists(folder / INDEX):  # QA: the store read as empty, and export wrote nothing
                raise StoreDamaged(
                    f"damaged: {clean_line(folder / INDEX)} is missing (and so is its mark), but the store "
                    "holds article files or journals; run 'newsreview doctor'"
                )
        if mode == "review":
            make_folder(folder / JOURNALS, exist_ok=True)
            self.lock = FileLock(folder / JOURNALS / f"{self.slug}.lock")
            self.lock.acquire(
                holder,
                refused=(
                    f"reviewer '{clean_line(reviewer, 64)}' already has {self.shown} open for writing in {{holder}}; "
                    "close it first, or review under another --reviewer name (read-only commands such as "
                    "'newsreview status' and 'export' still work)"
                ),
            )
        self.clock_offset()  # (a writer's first look at a lease, before any stamp, reads it too)

    def _format(self, meta_path: Path) -> str:
        try:
            data = orjson.loads(read_file(meta_path))
            meta = data["_meta"]["1"]
            self.store_id = str(meta.get("store_id") or "")
            return str(meta["format"])
        except FileNotFoundError:
            raise StoreError(f"{self.shown}: no {META_FILE} here: not a newsreview store") from None
        except OSError as err:
            raise StoreError(f"cannot read {clean_line(meta_path)}: {why(err)}") from None
        except (orjson.JSONDecodeError, KeyError, TypeError):
            if any(os.path.lexists(self.folder / name) for name in (INDEX, JOURNALS, ARTICLES)):
                # QA: a store whose meta file was damaged was called "not a store", where doctor mends it
                raise StoreDamaged(
                    f"damaged: {clean_line(meta_path)} is unreadable (no '{FORMAT}' marker found); "
                    "run 'newsreview doctor'"
                ) from None
            raise StoreError(
                f"{clean_line(meta_path)}: not a newsreview store file (no '{FORMAT}' marker); use another --store"
            ) from None

    def _refuse_unless_empty(self, *, wait: bool = True) -> None:
        """Raise unless the folder (which has no meta file) may become a store: empty, or holding only
        what a creation leaves before its meta file is written (the lock, empty ``articles/`` and
        ``journals/``: one a crash interrupted) — or unless the meta file has appeared meanwhile. A
        creation under way in another process holds ``index.lock`` until its meta file is written: with
        ``wait``, wait for it before calling what is here damage."""
        folder = self.folder
        meta_path = folder / META_FILE
        while True:
            try:
                present = {p.name for p in folder.iterdir()}
            except FileNotFoundError:
                return  # a creator that failed removed it: it will be made again
            except OSError as err:
                raise StoreError(f"cannot read {self.shown}: {why(err)}") from None
            if present <= {"lock", "journal.jsonl", INDEX_LOCK, ARTICLES, JOURNALS} and all(
                _empty_folder(folder / sub) for sub in present & {ARTICLES, JOURNALS}
            ):
                return
            if meta_path.exists():
                return  # created meanwhile: anything else here was made after it
            if not (wait and INDEX_LOCK in present):
                break
            wait = False
            wait_free(folder / INDEX_LOCK)
        if present & {INDEX, JOURNALS}:
            raise StoreDamaged(
                f"damaged: {clean_line(meta_path)} is missing (the store's other files are here); "
                "run 'newsreview doctor'"
            )
        raise StoreError(f"{self.shown}: not a newsreview store (no {META_FILE}) and not empty; use another --store")

    def _create(self) -> None:
        """Create an empty store, unless another process does so first: several ``add`` may create the
        same store at once. The creator holds ``index.lock`` (made first, in the store folder) until the
        meta file is written; another creator waits for it, then finds the store made, and an opener
        takes what a creation makes before the meta file for an empty folder (:meth:`_refuse_unless_empty`).
        On failure remove what this call made, so that a retry (after freeing space) does not find a
        half-made store refused as 'not empty'."""
        for _ in range(5):  # again if a failed creator removed the lock (and folder) we waited on
            made: list[Path] = []
            lock: FileLock | None = None
            try:
                missing = []
                for parent in (self.folder, *self.folder.parents):
                    if parent.exists():
                        break
                    missing.append(parent)
                for path in reversed(missing):
                    with contextlib.suppress(FileExistsError):  # made by another process meanwhile
                        path.mkdir()
                        made.append(path)
                lock_path = self.folder / INDEX_LOCK
                lock = FileLock(lock_path)
                try:
                    lock.acquire(
                        f"'newsreview' ({self.reviewer}) creating the store",
                        timeout=30.0,
                        refused=f"{self.shown} is busy: {{holder}} has held {INDEX_LOCK} for 30 s",
                    )
                except StoreLocked:
                    raise
                except StoreError as err:  # the lock cannot be made here (a read-only folder, say)
                    lock = None
                    raise StoreWriteError(str(err)) from None
                if self.folder in made:
                    made.append(lock_path)  # (removed with the folder should this fail)
                if not lock.still_at_path():
                    continue  # a creator that failed removed it: start again
                if (self.folder / META_FILE).exists():
                    return  # another process created the store while this one waited
                self._refuse_unless_empty(wait=False)  # (no one else can be creating it)
                for sub in (ARTICLES, JOURNALS):
                    path = self.folder / sub
                    if not path.exists():
                        make_folder(path)
                        made.append(path)
                meta = {"format": FORMAT, "created": clock.now(), "store_id": uuid.uuid4().hex}
                atomic_write(self.folder / META_FILE, orjson.dumps({"_meta": {"1": meta}}))
                return
            except (OSError, StoreError) as err:
                for path in reversed(made):
                    with contextlib.suppress(OSError):
                        path.rmdir() if path.is_dir() else path.unlink()
                if not isinstance(err, (OSError, StoreWriteError)):
                    raise  # not a store and not empty, damaged, or the lock held too long
                reason = why(err) if isinstance(err, OSError) else str(err)
                raise StoreWriteError(f"cannot create a store at {self.shown}: {reason}") from None
            finally:
                if lock is not None:
                    lock.release()
        raise StoreWriteError(f"cannot create a store at {self.shown}: other processes kept failing to create it")

    def close(self) -> None:
        if self.own is not None:
            self.own.close()
            self.own = None
        self.index.close()
        if self.mode == "review":
            self.set_presence(self.reviewer, None)
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # -- reading -----------------------------------------------------------------------------------

    def load(self) -> tuple[list[IndexRecord], DecisionLog]:
        index = self._index_ops(self.index.refresh(final=True))
        slugs = set(self.registered) | self._journal_files() | ({self.slug} if self.mode == "review" else set())
        journals: dict[str, tuple[Journal, str]] = {}
        for slug in sorted(slugs):
            journal = self._bound(Journal(self.folder / JOURNALS / f"{slug}.jsonl"))
            if slug in self.registered and slug not in self.lost and not journal.exists():
                raise StoreDamaged(
                    f"damaged: the journal of reviewer '{clean_line(self.registered[slug], 64)}' "
                    f"({clean_line(journal.path)}) is missing; run 'newsreview doctor'"
                )
            name = self.reviewer if slug == self.slug else self.registered.get(slug) or _first_reviewer(journal)
            journals[slug] = (journal, name)
        self.log.load(journals)
        if self.mode == "review":
            journal = self.log.texts[self.slug].journal
            self.own = JournalDB(journal, storage=JournalStorage)
            if journal.path.exists():  # else created by the first decision
                notice = journal.open_for_append(mark_unmarked=True)
                if notice:
                    self.notices.append(notice)
        return index, self.log

    def _journal_files(self) -> set[str]:
        try:
            return {p.name[: -len(".jsonl")] for p in os.scandir(self.folder / JOURNALS) if p.name.endswith(".jsonl")}
        except FileNotFoundError:
            return set()
        except NotADirectoryError:  # replaced by a file while the store is open
            raise StoreDamaged(
                f"damaged: {clean_line(self.folder / JOURNALS)} is not a folder; run 'newsreview doctor'"
            ) from None

    def _index_ops(self, ops: list[Any]) -> list[IndexRecord]:
        out: list[IndexRecord] = []
        for table, _, doc in ops:
            if table == "articles":
                self._by_sha[doc["text_sha"]] = doc["id"]
                self._by_id.add(doc["id"])
            elif table == "removed":
                self._by_id.discard(doc["article"])
                self._by_sha = {s: a for s, a in self._by_sha.items() if a != doc["article"]}
            elif table == "reviewers":
                self.registered[doc["journal"]] = doc["name"]
                if doc.get("lost"):
                    self.lost.add(doc["journal"])
            out.append((table, doc))
        return out

    def poll(self) -> tuple[list[IndexRecord], list[dict[str, Any]]]:
        index = self._index_ops(self.index.refresh(final=False))
        decisions: list[dict[str, Any]] = []
        now = time.monotonic()
        if now - self._last_scan > 1.0 or index:
            self._last_scan = now
            for slug in (set(self.registered) | self._journal_files()) - set(self.log.texts):
                journal = self._bound(Journal(self.folder / JOURNALS / f"{slug}.jsonl"))
                name = self.registered.get(slug) or _first_reviewer(journal)
                text = self.log.add(slug, journal, name)
                decisions += [
                    r for off in sorted({o for offs in text.lines.values() for o in offs}) for r in text.parse(off)
                ]
        for slug, text in self.log.texts.items():
            if slug == self.slug and self.mode == "review":
                text.watch()  # appended by this process only: checked, not read
            else:
                seen: set[int] = set()
                for offset, _ in text.poll():
                    if offset not in seen:
                        seen.add(offset)
                        decisions += text.parse(offset)
            if text.changed is not None and self.damage is None:
                self.damage = str(text.changed)
        return index, decisions

    def recent(self, reviewer: str) -> Any:
        return self.log.recent(journal_slug(reviewer))

    def stats(self) -> dict[str, tuple[int, str | None]]:
        return self.log.stats()

    def save_cache(self, entries: dict[str, dict[str, Any]]) -> None:
        self.log.save(entries)

    def read_article(self, row: dict[str, Any]) -> dict[str, Any]:
        return self.files.read(row)

    def size(self) -> int:
        total = 0
        for root, _, files in os.walk(self.folder):
            for name in files:
                with contextlib.suppress(OSError):
                    total += os.lstat(os.path.join(root, name)).st_size
        return total

    # -- writing -----------------------------------------------------------------------------------

    def append_decisions(self, records: list[dict[str, Any]]) -> None:
        if self.own is None:
            raise StoreWriteError(f"{self.shown}: the store is open read-only")
        text = self.log.texts[self.slug]
        if text.changed is not None:  # (review: an edit in place of the same length passed the append's check)
            raise StoreWriteError(f"not saved: {text.changed}")
        if self.lock is not None and not self.lock.still_at_path():
            raise StoreWriteError(
                f"not saved: {clean_line(self.lock.path)} was replaced or removed while this process held it "
                "(the store restored from a backup, or copied over, behind it?): another process could now "
                "write as the same reviewer. Close newsreview here, then run 'newsreview doctor'"
            )
        if not self.own.journal.writable:
            self.own.journal.open_for_append(mark_unmarked=True)
        table = self.own.table("decisions")
        if table._next_id is None:
            set_next_id(table, text.records + 1)  # the table's rows are not kept in memory: count them
        first = next_id(table)
        for i, record in enumerate(records):
            record["seq"] = first + i
        try:
            self.own.jstorage.append([["decisions", r["seq"], r] for r in records])
        except BaseException:
            set_next_id(table, first)  # nothing was written: the ids are free again
            raise
        finally:
            table.clear_cache()
        set_next_id(table, first + len(records))
        text.appended(self.own.journal.last_line, list(dict.fromkeys(r["article"] for r in records)))
        if self.slug not in self.registered:
            with contextlib.suppress(StoreError):  # the journal is found by its name meanwhile
                self.append_index(
                    [("reviewers", {"name": self.reviewer, "journal": self.slug, "at": clock.now(self.clock_offset())})]
                )

    def _index_append(self, ops_for: Any) -> list[IndexRecord]:
        """Under ``index.lock``: read what others appended, drop a torn tail a crash left, then append
        what ``ops_for(seen)`` returns (it may decide there is nothing to append)."""
        if self.mode == "read":
            raise StoreWriteError(f"{self.shown}: the store is open read-only")
        with short_lock(self.folder / INDEX_LOCK, f"'newsreview' ({self.reviewer})"):
            seen = self._index_ops(self.index.refresh(final=True))
            journal = self.index.journal
            notice = journal.open_for_append()  # drops what a crashed appender left unfinished
            if notice:
                self.notices.append(notice)
            items = ops_for(seen)
            if items:
                ops = self.index.transaction(items)
                self._index_ops(ops)
                journal.write_mark()
        return seen

    def append_index(self, records: list[IndexRecord]) -> list[IndexRecord]:
        return self._index_append(lambda seen: records)

    def add_article(
        self, row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> tuple[str, str, list[IndexRecord]]:
        outcome: dict[str, str] = {}

        def decide(seen: list[IndexRecord]) -> list[IndexRecord]:
            existing = self._by_sha.get(row["text_sha"])
            if existing is not None:
                outcome.update(status="duplicate", id=existing)
                return []
            if row["id"] in self._by_id:
                raise StoreError(
                    f"{clean_line(row.get('path') or row['id'])}: id '{clean_line(row['id'], 80)}' is already "
                    "used by a different article in the store"
                )
            if self.files.create(row, body, candidates):
                outcome["created"] = "yes"
            else:
                found = self._existing_file(row)
                if found is not None:
                    raise StoreDamaged(f"damaged: {clean_line(self.files.path(row))} {found}; run 'newsreview doctor'")
            outcome.update(status="added", id=row["id"])
            return [("articles", row)]

        try:
            seen = self._index_append(decide)
        except StoreWriteError:
            # QA: a full disk refused the index line; the article file written for it stayed, unindexed
            # (doctor's "not indexed" note): what this failed add made goes with it
            if outcome.get("created"):
                with contextlib.suppress(OSError):
                    self.files.path(row).unlink()
            raise
        return outcome["status"], outcome["id"], seen

    def missing_articles(self, rows: Iterable[dict[str, Any]]) -> list[str]:
        """The articles whose file is not a regular file where the index says: a cheap check (one stat
        each) for ``status``; ``doctor`` reads every file."""
        out = []
        for row in rows:
            try:
                if not stat.S_ISREG(os.stat(self.files.path(row)).st_mode):
                    out.append(str(row["id"]))
            except OSError:
                out.append(str(row["id"]))
        return out

    def _existing_file(self, row: dict[str, Any]) -> str | None:
        """An article file is already where this article's goes: fine if it is this very article (a
        crash between writing it and indexing it); otherwise what is wrong with it."""
        try:
            raw = read_file(self.files.path(row))
        except OSError as err:
            return f"cannot be read ({why(err)})"
        parsed = parse(raw, row)
        return parsed if isinstance(parsed, str) else None

    # -- the store's clock, presence ----------------------------------------------------------------

    def clock_offset(self) -> float:
        """The filesystem's clock against this machine's, read by touching ``presence/clock`` (on a
        network filesystem the server sets the time; QA: a desk's machines with clocks minutes apart
        took work over from each other and dropped each other from the queue). Read-only opens do not
        touch it (and use this machine's clock)."""
        now = time.monotonic()
        if self.mode == "read" or (self.offset_at is not None and now - self.offset_at < clock.EVERY):
            return self.offset
        self.offset_at = now
        with contextlib.suppress(OSError, StoreError):
            path = self.folder / PRESENCE / CLOCK_FILE
            make_folder(path.parent, exist_ok=True)
            fd = open_regular(path, os.O_WRONLY | os.O_CREAT)
            try:
                before = time.time()
                os.utime(fd)
                after = time.time()
                stamp = os.fstat(fd).st_mtime
            finally:
                os.close(fd)
            self.offset = clock.skew(stamp, before, after)
        return self.offset

    def set_presence(self, reviewer: str, article: str | None) -> None:
        path = self.folder / PRESENCE / f"{journal_slug(reviewer)}.json"
        with contextlib.suppress(OSError, StoreError):
            if article is None:
                path.unlink(missing_ok=True)
                return
            make_folder(path.parent, exist_ok=True)
            at = time.time() + self.clock_offset()
            data = {"reviewer": reviewer, "article": article, "at": at, "pid": os.getpid(), "host": _HOST}
            atomic_write(path, orjson.dumps(data), durable=False)

    def presence(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        now = time.time() + self.clock_offset()
        try:
            entries = list(os.scandir(self.folder / PRESENCE))
        except OSError:  # missing, or private to whoever made it (doctor names it): who is where is a courtesy
            return out
        for entry in entries:
            if not entry.name.endswith(".json"):
                continue
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                data = orjson.loads(read_file(Path(entry.path)))
                if not -PRESENCE_FRESH < now - float(data["at"]) < PRESENCE_FRESH:  # (far ahead: a clock off)
                    continue
                pid = data.get("pid")  # (none in an older app's presence)
                if data.get("host") == _HOST and isinstance(pid, int) and pid > 0 and not process_alive(pid):
                    continue  # QA (SSH): an app killed with -9 was shown "on it now" for another minute
                out[str(data["reviewer"])] = {"article": str(data["article"]), "at": float(data["at"])}
        return out


_HOST = socket.gethostname()


def _empty_folder(path: Path) -> bool:
    """A folder (not a link to one) with nothing in it."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _first_reviewer(journal: Journal) -> str:
    """The reviewer a journal belongs to, from its first record (a journal not yet registered)."""
    with contextlib.suppress(OSError, ValueError, KeyError, IndexError, TypeError):
        first = read_file(journal.path, limit=1 << 20).partition(b"\n")[0] + b"\n"
        return str(orjson.loads(first[: -len(b',"crc":"00000000"}\n')] + b"}")["ops"][0][2]["reviewer"])
    return journal.path.stem


def holds_content(folder: Path, *, articles: bool = True, journals: bool = True) -> bool:
    """Whether the store holds article files or journals (which its index should list); ``articles``,
    ``journals``: whether that folder may be read (doctor: it is a folder)."""
    with contextlib.suppress(OSError):
        if articles and any((folder / ARTICLES).glob("*.json")):
            return True
        if journals and any(p.name.endswith((".jsonl", ".jsonl.mark")) for p in (folder / JOURNALS).iterdir()):
            return True
    return False
