"""``newsreview doctor``: check every file of a folder store, and with ``--repair`` mend what can be.

Checking reads everything and reports each problem on its own line (file, line, why); it writes
nothing. What it calls damage is what opening the store refuses: a damaged journal line (a checksum
that does not match, or records of a shape newsreview never writes), a journal shorter than its mark
or not the one its mark recorded, a missing journal or index, a folder (or a FIFO, a dangling link)
where a file of the store, a lock or a cache file should be, a journal that is a symbolic link (read,
but never written through); and what the store would silently not show: a file in ``articles/`` that
is not an article file, or holds an unindexed article under another article's name.

Repairing first works out everything it will change, copies each such file into a new
``doctor-backup-<time>/`` in the store (and moves there whatever stands in a file's place: a folder
where a journal should be...), and only then:

- deletes the derived cache (``cache/``), which the repair makes stale; the next open rebuilds it;
- a journal (the index, or a reviewer's) keeps every line that verifies, renumbered; each line it
  drops is named, with why (a damaged line's decision is lost — the backup keeps its bytes); a journal
  that is a symbolic link becomes a file holding those lines (the link's target is left as it is);
- a journal's mark is rewritten from the journal as it now is; a mark whose journal is gone is
  removed, and that reviewer's decisions are reported lost;
- article files found under each other's names are moved back where they belong — first every one
  to a temporary name, then each to its own, so a swap or a cycle loses nothing; an article whose
  file is missing or damaged is removed from the index (a ``removed`` record says why; its decisions
  stay in the journals but are not shown) and whatever file stood at its name goes into the backup (so
  that adding the article again works); of several files holding an article, the one that fits the
  index is used; an intact article file the index does not list (a crash between writing and indexing
  it, or a lost index) is indexed — moved first to its own name if it is under another — and a file
  there that holds no usable article goes into the backup; a reviewer's journal the index does not
  register is registered (a lost one under the name ``journal_slug`` maps to its file, or not at all);
- a lock file that is not a regular file is moved into the backup and an empty one written;
- leftover temp files are deleted; a missing ``newsreview.json`` beside the other files is rewritten.

What it cannot mend safely (a file it cannot read, ``journals/`` or ``articles/`` not a folder) makes
it refuse, naming the file, before it changes anything. A folder that is not a store (no
``newsreview.json``, index or ``journals/``) and a store of another format (a newer release's) are
refused, whether checked or repaired: nothing is written.

Every writer must be closed first: repairing takes the index lock and every reviewer's lock.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from . import access, clock
from .articles import file_name, parse, text_sha
from .errors import StoreDamaged, StoreError, StoreWriteError
from .files import atomic_write, fsync_dir, make_folder, need_entry, new_folder, read_file, why
from .folder import (
    ARTICLES,
    BACKUP_PREFIX,
    CLOCK_FILE,
    FORMAT,
    INDEX,
    INDEX_LOCK,
    JOURNALS,
    META_FILE,
    PRESENCE,
    V1_FORMAT,
    holds_content,
    journal_slug,
)
from .journal import binding_of, binding_problem, check_line, decode_line, encode_line, ops_problem, writer_of
from .lock import FileLock

CACHE = "cache"
MOVING_PREFIX = ".doctor-move-"  # an article file on its way back to its own name (ends in .json: seen)


def _entry(path: Path) -> tuple[str, str | None]:
    """What stands at ``path``: ``missing``, ``file``, ``link`` (a symlink to a regular file),
    ``folder``, ``special`` (FIFO, socket, device) or ``dangling`` (a symlink to nothing), with the
    link's target for a symlink."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing", None
    target = None
    if stat.S_ISLNK(st.st_mode):
        with contextlib.suppress(OSError):
            target = os.readlink(path)
        try:
            st = os.stat(path)
        except OSError:
            return "dangling", target
        if stat.S_ISREG(st.st_mode):
            return "link", target
    if stat.S_ISDIR(st.st_mode):
        return "folder", target
    if stat.S_ISREG(st.st_mode):
        return "file", target
    return "special", target


def _in_the_way(kind: str, target: str | None) -> str | None:
    """How to say that something other than a file stands where a file should be (None: it is a file,
    or a symlink to one, or nothing)."""
    link = f"a symbolic link to {clean_line(target, 200)}, which is " if target is not None else ""
    if kind == "folder":
        return f"is {link}a folder, not a file"
    if kind == "special":
        return f"is {link}not a regular file (a FIFO, socket or device)"
    if kind == "dangling":
        return f"is a symbolic link to a missing file ({clean_line(target, 200)})"
    return None


@dataclass
class Scan:
    """One journal read line by line, damage and all."""

    path: Path
    good: list[tuple[int, list[Any]]] = field(default_factory=list)  # (line number, ops)
    problems: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    held: dict[int, str] = field(default_factory=dict)  # a dropped index line -> what it recorded, what is lost
    copies: dict[int, int] = field(default_factory=dict)  # a dropped line -> the earlier line it repeats
    store_id: str = ""  # the store it belongs to (a mark repair writes names it)
    lines: int = 0  # complete lines (good or not)
    torn: int = 0  # bytes of an incomplete last line
    truncated: bool = False  # shorter than its mark: the torn tail (if any) was a recorded line
    missing: bool = False  # no journal to read (nothing there, or something else in its place)
    gone: str = ""  # what stands in its place instead (a folder...), as a phrase
    absent: str = ""  # the one-line problem a missing journal is, if it is one whoever owns it
    mark_lines: int | None = None  # lines its mark records (None: no readable mark)
    link: str | None = None  # the journal is a symbolic link to this (repair makes it a file)
    aside: list[Path] = field(default_factory=list)  # in the way: repair moves them into the backup
    blocker: str = ""  # why repair cannot mend it
    changed: bool = False  # repair must rewrite it

    @property
    def mark_path(self) -> Path:
        return self.path.with_name(self.path.name + ".mark")


def scan_journal(path: Path, *, index: bool = False, store_id: str = "") -> Scan:
    scan = Scan(path, store_id=store_id)
    # the mark first: doctor runs beside writers, and a journal read before its mark looked truncated
    # when its writer appended and marked in between (QA: "has 14653 complete lines but 15000 were
    # recorded" on a healthy store, 10 runs in 35). A mark read first records no more than the journal
    # read after it holds, unless the journal really lost lines (a mark is replaced whole, by rename).
    early: bytes | None = None
    with contextlib.suppress(OSError):
        if _entry(scan.mark_path)[0] == "file":
            early = read_file(scan.mark_path)
    shown = clean_line(path)
    kind, target = _entry(path)
    data: bytes | None = None
    gone = _in_the_way(kind, target)
    if kind == "missing":
        scan.missing = True
    elif gone is not None:
        scan.missing, scan.gone, scan.changed = True, gone, True
        scan.aside.append(path)
    else:
        try:
            data = read_file(path)
        except OSError as err:
            scan.blocker = f"{shown} cannot be read ({why(err)})"
            scan.problems.append(scan.blocker)
            return scan
        if kind == "link":
            scan.link = target or "?"
            scan.changed = True
            scan.problems.append(
                f"{shown} is a symbolic link (to {clean_line(target, 200)}), not a file: newsreview reads "
                "a journal through a link but refuses to write one"
            )
    pieces = data.split(b"\n") if data is not None else [b""]
    crcs: dict[int, str] = {}
    first_at: dict[bytes, int] = {}  # a line's ops as written -> the first line that holds them
    expected = 1
    for number, raw in enumerate(pieces[:-1], 1):
        try:
            seq, ops, crc = decode_line(raw)
        except ValueError as err:
            held = _held(raw) if index else ""
            if held:
                scan.held[number] = held
            scan.problems.append(f"{shown} line {number}: {err}" + (f" (it recorded {held})" if held else ""))
            scan.dropped.append(number)
            scan.changed = True
            try:  # the line's own number, if it can be read: the lines after it are not out of sequence
                expected = check_line(raw)[0] + 1
            except ValueError:
                expected += 1
            continue
        body = orjson.dumps(ops)
        if body in first_at:  # a line copied again (an editor, a restore): applying it twice would
            scan.problems.append(  # replay its decisions (an undo undoing twice); it records nothing new
                f"{shown} line {number}: repeats line {first_at[body]} word for word (a duplicated line); "
                "repair drops it"
            )
            scan.dropped.append(number)
            scan.copies[number] = first_at[body]
            scan.changed = True
            expected = max(expected, seq + 1)
            continue
        first_at[body] = number
        if seq != expected:
            scan.problems.append(f"{shown} line {number}: sequence {seq} where {expected} was due")
            scan.changed = True
        expected = seq + 1
        crcs[number] = crc
        scan.good.append((number, ops))
    scan.lines = len(pieces) - 1
    who = writer_of(scan.good[0][1]) if scan.good and not index else None
    if who is not None and journal_slug(who) != path.name.removesuffix(".jsonl"):
        scan.blocker = (
            f"{shown} line {scan.good[0][0]} was written by reviewer '{clean_line(who, 64)}', whose journal this is "
            "not (a journal copied over another's?); put back the right one — repair will not guess whose "
            "decisions these are"
        )
        scan.problems.append(scan.blocker)
    if pieces[-1]:
        scan.torn = len(pieces[-1])
        scan.changed = True
    mark_crc = _scan_mark(scan, early)
    if scan.mark_lines is not None and data is not None:
        recorded = scan.mark_lines
        if scan.lines < recorded:
            cut = f" (line {scan.lines + 1} is cut short: {scan.torn} bytes are left of it)" if scan.torn else ""
            scan.problems.append(
                f"{shown} has {scan.lines} complete lines but {recorded} were recorded: it was truncated{cut}"
            )
            scan.truncated = scan.changed = True
        elif recorded > 0 and recorded in crcs and crcs[recorded] != mark_crc:
            scan.problems.append(f"{shown} line {recorded} is not the line its mark recorded (the file was replaced)")
            scan.changed = True
    if scan.gone:
        scan.absent = f"{shown} {scan.gone}"
    elif scan.missing and scan.mark_lines:
        scan.absent = f"{shown} is missing (its mark records {scan.mark_lines} lines)"
        scan.changed = True
    return scan


def _held(raw: bytes) -> str:
    """What a damaged index line recorded, as far as its bytes still say (empty: nothing readable)."""
    ops: Any = None
    for body in (raw[: -len(b',"crc":"00000000"}')] + b"}", raw):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            ops = orjson.loads(body).get("ops")
            break
    if not isinstance(ops, list):
        return ""
    said: list[str] = []
    for op in ops:
        try:
            table, doc = op[0], op[2]
            aid = clean_line(str(doc.get("article") or doc.get("id") or "?"), 80)
        except (IndexError, TypeError, KeyError, AttributeError):
            continue
        if table == "extractions":
            said.append(
                f"a re-extraction of article '{aid}': the article shows its earlier candidates again, and "
                "decisions on candidates only this re-extraction held are no longer shown (they stay in the "
                "journals)"
            )
        elif table == "articles":
            said.append(f"the index row of article '{aid}' (its file is indexed again if it is intact)")
        elif table in ("assignments", "takes"):
            said.append(f"an assignment of article '{aid}'")
        elif table == "removed":
            said.append(f"the removal of article '{aid}'")
        elif table == "settings":
            said.append(f"the setting '{clean_line(str(doc.get('key')), 40)}'")
        elif table == "reviewers":
            said.append(f"the registration of reviewer '{clean_line(str(doc.get('name')), 64)}'")
    return "; ".join(dict.fromkeys(said))


def _store_id_from_marks(folder: Path) -> str:
    """The store id most of the store's marks name ("" when none does): what a lost meta file held."""
    seen: Counter[str] = Counter()
    for mark_path in [folder / f"{INDEX}.mark", *sorted((folder / JOURNALS).glob("*.jsonl.mark"))]:
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            store = orjson.loads(read_file(mark_path)).get("store")
            if isinstance(store, str) and store:
                seen[store] += 1
    return seen.most_common(1)[0][0] if seen else ""


def _scan_mark(scan: Scan, early: bytes | None = None) -> str | None:
    """Read the journal's mark into ``scan`` (``early``: its bytes as read before the journal);
    returns the crc it records. A mark naming another store or journal file says the journal was
    copied here: repair will not guess whose it is."""
    mark_path = scan.mark_path
    shown = clean_line(mark_path)
    kind, target = _entry(mark_path)
    if kind == "missing":
        return None
    gone = _in_the_way(kind, target)
    if gone is not None:
        scan.problems.append(f"{shown} {gone}")
        scan.aside.append(mark_path)
        scan.changed = True
        return None
    try:
        raw = early if early is not None else read_file(mark_path)
    except OSError as err:  # derived from the journal: repair moves it aside and writes it anew
        scan.problems.append(f"{shown} cannot be read ({why(err)})")
        scan.aside.append(mark_path)
        scan.changed = True
        return None
    try:
        mark = orjson.loads(raw)
        lines, crc = mark["lines"], mark["crc"]
        if not (isinstance(lines, int) and isinstance(crc, str)):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        scan.problems.append(f"{shown} is unreadable")
        scan.changed = True
        return None
    foreign = binding_problem(mark, binding_of(scan.store_id, scan.path))
    if foreign is not None:
        scan.blocker = (
            f"{clean_line(scan.path)} {foreign}; move it (and its mark) out of the store or put back the "
            "right one — repair will not guess whose decisions these are"
        )
        scan.problems.append(scan.blocker)
    scan.mark_lines = lines
    return crc


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # harmless findings
    repaired: list[str] = field(default_factory=list)
    backup: Path | None = None
    unrepairable: list[str] = field(default_factory=list)  # problems --repair does not mend (PostgreSQL)
    denied: list[Path] = field(default_factory=list)  # files this user may not read: their owners' to open up

    @property
    def healthy(self) -> bool:
        return not self.problems


@dataclass
class Articles:
    """What the article files hold, against the index."""

    moves: dict[str, Path] = field(default_factory=dict)  # article -> the file it is in now
    targets: dict[str, Path] = field(default_factory=dict)  # article -> the file it moves to
    missing: dict[str, str] = field(default_factory=dict)  # article -> what is wrong with its file
    orphans: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)  # intact, not indexed: its file
    unusable: list[Path] = field(default_factory=list)  # repair moves them into the backup
    blockers: list[str] = field(default_factory=list)


def check(folder: Path, *, repair: bool = False) -> Report:
    report = Report()
    shown = clean_line(folder)
    need_entry(folder, "check the store")
    if folder.exists() and not folder.is_dir():  # as every other command says it
        raise StoreError(f"{shown} is a file, not a newsreview store folder; pass --store FOLDER")
    if not folder.is_dir():
        raise StoreError(f"no store at {shown}")
    blockers: list[str] = []
    meta_path = folder / META_FILE
    meta_ok = False
    store_id = ""  # from the meta file: a mark naming another store is a journal copied here
    meta_aside: list[Path] = []
    kind, target = _entry(meta_path)
    gone = _in_the_way(kind, target)
    if kind == "missing":
        report.problems.append(f"{clean_line(meta_path)} is missing")
    elif gone is not None:
        report.problems.append(f"{clean_line(meta_path)} {gone}")
        meta_aside.append(meta_path)
    else:
        try:
            raw = read_file(meta_path)
        except OSError as err:
            blockers.append(f"{clean_line(meta_path)} cannot be read ({why(err)})")
            report.problems.append(blockers[-1])
            meta_ok = True  # not rewritten: repair refuses
        else:
            try:
                meta = orjson.loads(raw)["_meta"]["1"]
                fmt, store_id = meta["format"], str(meta.get("store_id") or "")
            except (ValueError, KeyError, TypeError, AttributeError):
                report.problems.append(f"{clean_line(meta_path)} is unreadable")
            else:
                if fmt == V1_FORMAT:
                    return _check_v1(folder, report, repair=repair)
                if fmt != FORMAT:  # a newer release's store (or not a store): never rewritten as ours
                    raise StoreError(
                        f"{clean_line(meta_path)}: a store of format {clean_line(str(fmt), 40)!r}, which this "
                        "release of newsreview cannot check or repair (a newer release wrote it?); nothing was "
                        "changed"
                    )
                meta_ok = True
    if not meta_ok:  # a new meta file keeps the store's id, as its files' marks name it
        store_id = _store_id_from_marks(folder)
    if not meta_ok and not any(os.path.lexists(folder / name) for name in (INDEX, INDEX + ".mark", JOURNALS)):
        raise StoreError(
            f"{shown}: not a newsreview store (no {META_FILE}, {INDEX} or {JOURNALS}/ in it); nothing was "
            "changed. Pass the store's folder with --store"
        )

    folders_ok: dict[str, bool] = {}
    for sub in (ARTICLES, JOURNALS):
        path = folder / sub
        folders_ok[sub] = not os.path.lexists(path) or path.is_dir()
        if not folders_ok[sub]:
            what = "the reviewers' journals" if sub == JOURNALS else "the article files"
            blockers.append(
                f"{clean_line(path)} is not a folder (a file is in its place): {what} cannot be read; "
                "move it out of the way (it may hold them) and run 'newsreview doctor' again"
            )
            report.problems.append(blockers[-1])

    odd = _odd_files(folder, folders_ok, report)
    locks: list[FileLock] = []
    if repair and folders_ok[JOURNALS]:
        locks = _lock_everything(folder, skip=set(odd.locks))
    try:
        index = scan_journal(folder / INDEX, index=True, store_id=store_id)
        if (
            index.missing
            and not index.absent
            and holds_content(folder, articles=folders_ok[ARTICLES], journals=folders_ok[JOURNALS])
        ):
            index.absent = (
                f"{clean_line(index.path)} is missing (and so is its mark), but the store holds article files "
                "or journals: they are not shown"
            )
            index.changed = True
        report.problems += index.problems
        if index.absent:
            report.problems.append(index.absent)
        elif not index.missing and index.lines and not os.path.lexists(index.mark_path):
            report.notes.append(  # QA (backups): `rsync --exclude '*.mark'` went unsaid for the index only
                f"{clean_line(index.path)} has {index.lines} lines and no mark: had lines been cut from its "
                "end, nothing would show it (a mark is written after every append)"
            )
        if index.blocker:
            blockers.append(index.blocker)
        rows, registered, removed = _index_tables(index)
        journals: dict[str, Scan] = {}
        if folders_ok[JOURNALS]:
            jdir = folder / JOURNALS
            names = set(registered) | {p.name[: -len(".jsonl")] for p in jdir.glob("*.jsonl")}
            names |= {p.name[: -len(".jsonl.mark")] for p in jdir.glob("*.jsonl.mark")}
            for slug in sorted(names):
                scan = scan_journal(jdir / f"{slug}.jsonl", store_id=store_id)
                journals[slug] = scan
                _report_journal(report, slug, scan, registered)
                if scan.blocker:
                    blockers.append(scan.blocker)
        if index.torn and not index.truncated:
            report.notes.append(f"{clean_line(index.path)} ends with an incomplete line; it is dropped")
        unregistered = _unregistered(report, journals, registered)
        articles = Articles()
        if folders_ok[ARTICLES]:
            articles = _check_articles(folder, rows, removed, report)
            blockers += articles.blockers
            if not (index.absent or index.problems or index.blocker):  # (a lost index says so itself)
                _decided_unindexed(articles, journals, report)
        temps = [
            p
            for p in folder.rglob(".*.tmp")
            if p.is_file() and not p.relative_to(folder).parts[0].startswith(BACKUP_PREFIX)
        ]
        if temps:
            report.notes.append(f"{len(temps)} leftover temporary file(s) from interrupted writes")
        if repair and blockers:
            raise StoreError(
                f"cannot repair {shown}: {blockers[0]}; nothing was changed"
                + (f" ({len(blockers) - 1} more such problem(s): see 'newsreview doctor')" if len(blockers) > 1 else "")
            )
        _check_access(folder, report, repair=repair)  # (a repair's after the refusal: "nothing was changed" holds)
        if repair:
            _repair(
                folder,
                report,
                index,
                journals,
                registered,
                articles,
                unregistered,
                temps,
                meta_ok,
                meta_aside,
                odd,
                store_id,
            )
    finally:
        for lock in locks:
            lock.release()
    return report


def _check_access(folder: Path, report: Report, *, repair: bool) -> None:
    """Files with less access than the store's folder gives: noted (the desk's other members may be shut
    out; they are no damage), widened by a repair where this user owns them."""
    own = {META_FILE, INDEX, INDEX + ".mark", INDEX_LOCK, ARTICLES, JOURNALS, PRESENCE, CACHE}
    narrow = access.narrower_than_folder(folder, names=own)
    if not narrow:
        return
    if repair:
        done, narrow = access.widen(narrow)
        if done:
            report.repaired.append(f"gave {len(done)} file(s) the access of the store's folder: {_few(folder, done)}")
    if narrow:
        report.notes.append(
            f"{len(narrow)} file(s) give less access than the store's folder "
            f"({stat.filemode(os.stat(folder).st_mode)}), so other members of the desk may not read or write "
            f"them: {_few(folder, narrow)}; their owners can run 'newsreview doctor --repair' (or chmod)"
        )
    report.denied = [n.path for n in narrow if not os.access(n.path, os.R_OK)]


def _few(folder: Path, entries: list[access.Narrow]) -> str:
    shown = ", ".join(e.shown(folder) for e in entries[:4])
    return shown + (f" and {len(entries) - 4} more" if len(entries) > 4 else "")


@dataclass
class _Odd:
    """Something other than a regular file where a lock or a cache file goes (a FIFO: reading it hangs)."""

    locks: list[Path] = field(default_factory=list)  # repair moves each into the backup, writes an empty one
    cache: list[Path] = field(default_factory=list)  # derived: repair deletes them with the cache


def _odd_files(folder: Path, folders_ok: dict[str, bool], report: Report) -> _Odd:
    odd = _Odd()
    locks = [folder / INDEX_LOCK]
    with contextlib.suppress(OSError):
        if folders_ok[JOURNALS]:
            locks += sorted((folder / JOURNALS).glob("*.lock"))
    # the store's clock file is mended as a lock is (QA: in the way, writers stamped by their own clocks)
    consequence = dict.fromkeys(locks, "no newsreview can take this lock")
    consequence[folder / PRESENCE / CLOCK_FILE] = (
        "the store's clock cannot be read, and each machine stamps decisions and times leases by its own"
    )
    for path, then in consequence.items():
        kind, target = _entry(path)
        if kind in ("missing", "file"):
            continue
        gone = _in_the_way(kind, target) or f"is a symbolic link (to {clean_line(target, 200)}), not a file"
        report.problems.append(f"{clean_line(path)} {gone}: {then}")
        odd.locks.append(path)  # (repair moves it into the backup and writes an empty one)
    cache = folder / CACHE
    if _entry(cache)[0] == "folder":
        with contextlib.suppress(OSError):
            for entry in sorted(cache.iterdir()):
                kind, target = _entry(entry)
                if kind in ("special", "dangling"):
                    report.problems.append(
                        f"{clean_line(entry)} {_in_the_way(kind, target)}: reading the store would hang or fail "
                        "on it (the cache is derived: repair deletes it)"
                    )
                    odd.cache.append(entry)
    return odd


def _report_journal(report: Report, slug: str, scan: Scan, registered: dict[str, dict[str, Any]]) -> None:
    """One reviewer's journal: its problems, said once each, as opening the store would."""
    report.problems += scan.problems
    if scan.missing and slug in registered and not registered[slug].get("lost"):
        report.problems.append(
            f"the journal of reviewer '{clean_line(registered[slug].get('name', slug), 64)}' "
            f"({clean_line(scan.path)}) {scan.gone or 'is missing'}: their decisions are lost"
        )
    elif scan.absent and not scan.gone and slug not in registered:
        name = _lost_name(scan.path.parent.parent, slug, scan, registered)
        who = f"reviewer '{clean_line(name, 64)}'" if name is not None else "a reviewer"
        report.problems.append(
            f"the journal of {who} ({clean_line(scan.path)}) is missing (its mark records {scan.mark_lines} "
            "lines): their decisions are lost"
        )
    elif scan.absent:
        report.problems.append(scan.absent)
    if scan.torn and not scan.truncated:
        report.notes.append(
            f"{clean_line(scan.path)} ends with an incomplete line ({scan.torn} bytes) left by a crash; "
            "it was never acknowledged and is dropped"
        )
    if not scan.missing and scan.lines and not os.path.lexists(scan.mark_path):
        report.notes.append(  # a writer still open, killed before its first mark, or the mark deleted
            f"{clean_line(scan.path)} has {scan.lines} lines and no mark: had lines been cut from its end, "
            "nothing would show it (a mark is written every 500 lines and when its writer closes)"
        )


def _unregistered(report: Report, journals: dict[str, Scan], registered: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Journals holding decisions whose reviewer the index does not register (slug -> reviewer)."""
    out: dict[str, str] = {}
    for slug, scan in journals.items():
        if scan.missing or slug in registered:
            continue
        name = _reviewer_of(scan)
        if name is None:
            continue
        out[slug] = name
        report.notes.append(
            f"{clean_line(scan.path)} holds decisions of reviewer '{clean_line(name, 64)}', whom the index "
            "does not register"
        )
    return out


def _reviewer_of(scan: Scan) -> str | None:
    for _, ops in scan.good:
        for op in ops:
            with contextlib.suppress(IndexError, TypeError, AttributeError):
                if op[0] == "decisions" and isinstance(op[2].get("reviewer"), str):
                    return str(op[2]["reviewer"])
    return None


def _lost_name(folder: Path, slug: str, scan: Scan, registered: dict[str, dict[str, Any]]) -> str | None:
    """The name of the reviewer whose journal ``slug`` is lost: as the index registers it, else as its
    records say, else a name found in the store (the readable part of the slug, presence files) that
    ``journal_slug`` maps to ``slug`` — so that this reviewer, opening the store again, is the one
    registered. None if no such name is found."""
    if slug in registered:
        return str(registered[slug].get("name", slug))
    guesses: list[str] = []
    found = _reviewer_of(scan)
    if found is not None:
        guesses.append(found)
    readable = slug.rsplit("-", 1)[0]
    guesses += [readable, readable.replace("-", " "), readable.replace("-", "_"), readable.replace("-", ".")]
    guesses += [g.title() for g in guesses[1:]] + [g.capitalize() for g in guesses[1:]]
    with contextlib.suppress(OSError):
        for path in sorted((folder / PRESENCE).glob("*.json")):
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                guesses.append(str(orjson.loads(read_file(path))["reviewer"]))
    return next((g for g in guesses if journal_slug(g) == slug), None)


def _reextraction_losses(journals: dict[str, Scan], articles: Articles) -> list[str]:
    """After the index was lost: the decisions the journals hold on candidates that no article file
    holds (only a re-extraction recorded in the lost index held them), by article."""
    known: dict[str, set[str]] = {}
    for path, row in articles.orphans:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
            cands = orjson.loads(read_file(path))["candidates"].values()
            known[str(row["id"])] = {str(c["id"]) for c in cands}
    unseen: dict[str, set[str]] = {}
    gone: set[str] = set()  # articles decided on that no file the repair indexes holds
    for scan in journals.values():
        for _, ops in scan.good:
            for op in ops:
                doc = op[2]
                if op[0] != "decisions":
                    continue
                if doc["article"] not in known:
                    gone.add(doc["article"])
                    continue
                if doc["action"] == "add":
                    known[doc["article"]].add(doc["candidate"])
                elif doc["candidate"] not in known[doc["article"]]:
                    unseen.setdefault(doc["article"], set()).add(doc["candidate"])
    out = [
        f"article '{clean_line(aid, 80)}': decisions on {len(cids)} candidate(s) that only a re-extraction held "
        "are no longer shown (they stay in the journals; 'newsreview reextract' of the article may bring "
        "those candidates back)"
        for aid, cids in sorted(unseen.items())
    ]
    out += [
        f"article '{clean_line(aid, 80)}': no article file holds it, so the decisions on it are not shown (they "
        "stay in the journals; 'newsreview add' of the article shows them again)"
        for aid in sorted(gone)
    ]
    return out


def _index_tables(index: Scan) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], set[str]]:
    rows: dict[str, dict[str, Any]] = {}
    registered: dict[str, dict[str, Any]] = {}
    removed: set[str] = set()
    for _, ops in index.good:
        for table, _, doc in ops:
            if table == "articles":
                rows.setdefault(doc["id"], doc)
                removed.discard(doc["id"])
            elif table == "reviewers":
                registered[doc["journal"]] = doc
            elif table == "removed":
                removed.add(doc["article"])
    return rows, registered, removed


@dataclass
class _File:
    """One file of ``articles/``, as much as checking it against the index needs."""

    path: Path
    problem: str | None  # what is wrong with it, whatever it should hold
    aid: str | None = None
    sha: str | None = None  # of its text
    row: Any = None  # the index row it carries
    unreadable: bool = False  # a regular file that cannot be read (permissions, I/O): never dropped
    in_the_way: bool = False  # a folder (...) where a file should be


def _read_article(path: Path) -> _File:
    kind, target = _entry(path)
    gone = _in_the_way(kind, target)
    if gone is not None:
        return _File(path, gone, in_the_way=True)
    try:
        parsed = parse(read_file(path), None)
    except OSError as err:
        return _File(path, f"cannot be read ({why(err)})", unreadable=True)
    if isinstance(parsed, str):
        return _File(path, parsed)
    article = parsed["article"]
    aid = article.get("id")
    return _File(path, None, aid if isinstance(aid, str) else None, text_sha(article["text"]), article.get("row"))


def _fits(file: _File, row: dict[str, Any]) -> str | None:
    """What is wrong with ``file`` as the file of the article ``row`` indexes (as articles.parse says it)."""
    if file.problem is not None:
        return file.problem
    if file.aid != row["id"]:
        return f"holds another article ('{clean_line(file.aid, 80)}')"
    if file.sha != row["text_sha"]:
        return "does not hold the text the index recorded (the text was changed)"
    return None


def _check_v1(folder: Path, report: Report, *, repair: bool) -> Report:
    """A store of the release before the desk: its journal's lines read (QA, stop 41: doctor called a
    store healthy whose garbled line every other command refused). --repair drops the garbled lines,
    after copying the journal into the backup; opening it then upgrades it."""
    shown = clean_line(folder)
    lock = FileLock(folder / "lock")
    if repair:  # before reading: what it drops is what it saw (review: an old writer in between)
        lock.acquire("'newsreview doctor --repair'", refused=f"{shown} is open by {{holder}}; close it first")
    try:
        return _check_v1_locked(folder, report, repair=repair)
    finally:
        if repair:
            lock.release()


def _check_v1_locked(folder: Path, report: Report, *, repair: bool) -> Report:
    from .upgrade import v1_garbled

    shown = clean_line(folder)
    try:
        garbled = v1_garbled(folder)
    except StoreDamaged as err:
        report.problems.append(str(err).removeprefix("damaged: "))
        report.unrepairable.append(report.problems[-1])
        return report
    journal = folder / "journal.jsonl"
    report.problems += [f"{clean_line(journal)} line {n} is garbled" for n in garbled]
    if not garbled:
        report.notes.append(f"{shown} was written by an earlier newsreview: opening it upgrades it in place")
        return report
    if not repair:
        return report
    report.backup = _backup(folder, [journal], [])
    bad = set(garbled)
    lines = read_file(journal).split(b"\n")
    kept = b"".join(line + b"\n" for n, line in enumerate(lines[:-1], 1) if n not in bad)
    atomic_write(journal, kept + lines[-1])  # a torn last piece stays: the upgrade ignores it too
    report.repaired += [
        f"dropped {clean_line(journal)} line {n} (garbled; the backup keeps its bytes): the store is upgraded "
        "when next opened"
        for n in garbled
    ]
    return report


def _decided_unindexed(articles: Articles, journals: dict[str, Scan], report: Report) -> None:
    """An article file the index does not list is a note (an ``add`` killed between the two writes)
    — unless the journals hold decisions on it: then the index lost it (QA: an index restored from an
    older backup; `doctor` said healthy while `status` and `export` left those decisions out)."""
    if not articles.orphans:
        return
    decided: dict[str, int] = {}
    for scan in journals.values():
        for _, ops in scan.good:
            for op in ops:
                if op[0] == "decisions" and isinstance(op[2], dict):
                    aid = str(op[2].get("article"))
                    decided[aid] = decided.get(aid, 0) + 1
    for _, row in articles.orphans:
        aid = str(row.get("id"))
        if decided.get(aid):
            report.problems.append(
                f"article '{clean_line(aid, 80)}' is not indexed, yet the journals hold {decided[aid]} decision(s) "
                "on it (the index restored from an older backup?): status and export leave them out; "
                "--repair indexes it"
            )


def _check_articles(folder: Path, rows: dict[str, dict[str, Any]], removed: set[str], report: Report) -> Articles:
    """Each file of ``articles/`` either stays (the file of the article the index lists under its
    name), moves (to the name of the article it holds: the index's, or its own if it is not indexed),
    or is moved into the backup (damaged, in the way of a move, or the file of an article removed from
    the index); an intact copy of an article the index keeps elsewhere is only a note."""
    out = Articles()
    adir = folder / ARTICLES
    files: dict[str, _File] = {}  # by name
    holding: dict[str, list[_File]] = {}  # article id -> every intact file holding it, by name
    for path in sorted(adir.glob("*.json")):
        file = files[path.name] = _read_article(path)
        if file.aid is not None:
            holding.setdefault(file.aid, []).append(file)
    live = {aid: row for aid, row in rows.items() if aid not in removed}
    stays: dict[str, str] = {}  # file name -> the article it is the file of
    for aid, row in live.items():
        here = files.get(str(row["shard"]))
        if here is not None and _fits(here, row) is None:
            stays[here.path.name] = aid
    sources: set[str] = set()  # files that move to another name
    for aid, row in live.items():
        name = str(row["shard"])
        if stays.get(name) == aid:
            continue
        here = files.get(name)
        problem = "is missing" if here is None else _fits(here, row)
        where = f"article '{clean_line(aid, 80)}' ({clean_line(adir / name)})"
        fitting = [
            f
            for f in holding.get(aid, [])
            if f.path.name not in stays and f.path.name not in sources and _fits(f, row) is None
        ]
        if fitting:
            elsewhere = fitting[0]
            report.problems.append(f"{where} {problem}; it is in {clean_line(elsewhere.path.name)} instead")
            out.moves[aid] = elsewhere.path
            out.targets[aid] = adir / name
            sources.add(elsewhere.path.name)
            continue
        report.problems.append(f"{where} {problem}")
        if here is not None and here.unreadable:
            out.blockers.append(f"{where} {problem}")
        else:
            out.missing[aid] = str(problem)
    reported = {str(live[aid]["shard"]) for aid in out.missing} | {
        str(live[aid]["shard"]) for aid in out.moves
    }  # a file already named as its article's
    # articles the index does not list (a lost index, a crash before indexing): one intact file each
    # is indexed, moved first to its own name if it stands under another
    targets: dict[str, str] = {}  # file name -> the unindexed article moving there
    for aid in sorted(holding):
        if aid in rows:
            continue
        group = [f for f in holding[aid] if f.path.name not in stays and f.path.name not in sources]
        if not group:
            continue
        own = file_name(aid)
        usable = [f for f in group if _row_problem(f, aid) is None]
        usable.sort(key=lambda f: f.path.name != own)
        if not usable:
            for f in group:
                report.problems.append(
                    f"{clean_line(f.path)} holds article '{clean_line(aid, 80)}', which is not indexed, but "
                    f"cannot be indexed ({_row_problem(f, aid)})"
                )
                out.unusable.append(f.path)
            continue
        chosen = usable[0]
        if chosen.path.name == own:
            stays[own] = aid
            report.notes.append(
                f"{clean_line(chosen.path)} holds article '{clean_line(aid, 80)}', which is not indexed"
            )
        elif own in stays or own in targets:
            report.problems.append(
                f"{clean_line(chosen.path)} holds article '{clean_line(aid, 80)}', which is not indexed; it "
                f"belongs in {own}, which holds another article: it cannot be indexed"
            )
            out.blockers.append(report.problems[-1])
            continue
        else:
            report.problems.append(
                f"{clean_line(chosen.path)} holds article '{clean_line(aid, 80)}', which is not indexed, under "
                f"another article's name: its file is {own}"
            )
            out.moves[aid] = chosen.path
            out.targets[aid] = adir / own
            sources.add(chosen.path.name)
        targets[own] = aid
        out.orphans.append((adir / own, chosen.row))
    # what is left: files no article keeps
    for name, file in files.items():
        if name in stays or name in sources:
            continue
        in_way = name in targets  # a file where an unindexed article moves to
        if file.unreadable:
            if name not in reported:
                report.problems.append(f"{clean_line(file.path)} {file.problem}")
                out.blockers.append(report.problems[-1])
            continue
        if file.path in out.unusable:
            continue
        if file.problem is not None:
            if name not in reported:
                report.problems.append(
                    f"{clean_line(file.path)} {file.problem}, and the index lists no article in it"
                    if file.in_the_way
                    else f"{clean_line(file.path)} {file.problem}; the index lists no article in it"
                )
            out.unusable.append(file.path)
            continue
        held = str(file.aid)
        if name in reported or in_way:  # an article's name, holding an old or another copy
            if name not in reported:
                report.problems.append(
                    f"{clean_line(file.path)} holds another copy of article '{clean_line(held, 80)}' where "
                    f"article '{clean_line(targets[name], 80)}' belongs"
                )
            out.unusable.append(file.path)
            continue
        if held in removed:
            report.notes.append(
                f"{clean_line(file.path)} holds article '{clean_line(held, 80)}', which was removed from the "
                "index; 'newsreview add' of that article indexes it again"
            )
        elif held in live or held in targets.values():
            report.notes.append(
                f"{clean_line(file.path)} holds another copy of article '{clean_line(held, 80)}' (its file is "
                f"{clean_line(live[held]['shard'] if held in live else file_name(held))}); it is not used"
            )
    out.orphans.sort(key=lambda item: (str(item[1].get("added_at") or ""), item[0].name))
    return out


def _row_problem(file: _File, aid: str) -> str | None:
    """Why the index row an article file carries cannot index it (None: it can)."""
    row = file.row
    if not isinstance(row, dict) or row.get("id") != aid or ops_problem([["articles", 1, row]]) is not None:
        return "the index row it carries is missing or damaged"
    if row["text_sha"] != file.sha:
        return "its text is not the one the index row it carries records"
    if row["shard"] != file_name(aid):
        return "the index row it carries names another file"
    return None


def _lock_everything(folder: Path, *, skip: set[Path]) -> list[FileLock]:
    """Every lock of the store (but those in ``skip``: not a regular file, which no newsreview can hold
    and repair replaces)."""
    locks = []
    try:
        if folder / INDEX_LOCK not in skip:
            index_lock = FileLock(folder / INDEX_LOCK)
            index_lock.acquire(
                "'newsreview doctor --repair'", refused="{holder} is adding articles; let it finish first"
            )
            locks.append(index_lock)
        for path in sorted((folder / JOURNALS).glob("*.lock")):
            if path in skip:
                continue
            lock = FileLock(path)
            lock.acquire(
                "'newsreview doctor --repair'",
                refused="the store is in use by {holder}; close every newsreview on it before repairing",
            )
            locks.append(lock)
    except StoreError:
        for lock in locks:
            lock.release()
        raise
    return locks


def _repair(
    folder: Path,
    report: Report,
    index: Scan,
    journals: dict[str, Scan],
    registered: dict[str, dict[str, Any]],
    articles: Articles,
    unregistered: dict[str, str],
    temps: list[Path],
    meta_ok: bool,
    meta_aside: list[Path],
    odd: _Odd,
    store_id: str,
) -> None:
    """Work out every change, back up every file it touches (and move aside what is in the way), and
    only then change the store."""
    keep: list[Path] = []  # copied into the backup
    aside: list[Path] = list(meta_aside)  # moved into the backup
    if not meta_ok and not meta_aside:
        keep.append(folder / META_FILE)
    extra_index: list[list[Any]] = []
    lost: list[tuple[Scan, str | None]] = []
    rewrite: list[Scan] = []
    for slug, scan in journals.items():
        aside += scan.aside
        if scan.missing:
            if os.path.lexists(scan.mark_path) or (slug in registered and not registered[slug].get("lost")):
                keep.append(scan.mark_path)
                name = _lost_name(folder, slug, scan, registered)
                lost.append((scan, name))
                if name is not None:
                    extra_index.append(
                        ["reviewers", 0, {"name": name, "journal": slug, "at": clock.now(), "lost": True}]
                    )
            continue
        if scan.changed:
            keep += [scan.path, scan.mark_path]
            rewrite.append(scan)
    for aid, why_ in articles.missing.items():
        extra_index.append(["removed", 0, {"article": aid, "reason": why_, "at": clock.now()}])
    for _, row in articles.orphans:
        extra_index.append(["articles", 0, row])
    for slug, name in sorted(unregistered.items()):
        extra_index.append(["reviewers", 0, {"name": name, "journal": slug, "at": clock.now()}])
    aside += index.aside + articles.unusable + odd.locks
    rewrite_index = index.changed or bool(extra_index)
    if rewrite_index:
        keep += [index.path, index.mark_path]
    targets = articles.targets
    keep += list(articles.moves.values()) + list(targets.values())

    keep = [p for p in dict.fromkeys(keep) if p not in aside and _entry(p)[0] in ("file", "link")]
    changes = bool(keep or aside or rewrite or rewrite_index or articles.moves or odd.cache or not meta_ok)
    if changes:
        backup = _backup(folder, keep, aside)
        report.backup = backup
        for path in aside:
            report.repaired.append(
                f"moved {clean_line(path)} into the backup "
                + (
                    "(the store cannot use it: no intact article of the store is in it)"
                    if path in articles.unusable
                    else "(it stood where a file of the store goes)"
                )
            )
        _drop_cache(folder, report)

    for path in odd.locks:
        _write_file(path, b"")
        report.repaired.append(f"wrote an empty lock file {clean_line(path)} in its place")
    if not meta_ok:
        meta = {
            "format": FORMAT,
            "created": clock.now(),
            "store_id": store_id or uuid.uuid4().hex,
            "repaired": clock.now(),
        }
        _write_file(folder / META_FILE, orjson.dumps({"_meta": {"1": meta}}))
        report.repaired.append(f"wrote a new {META_FILE}")
    for scan, name in lost:
        mark = scan.mark_path
        with contextlib.suppress(FileNotFoundError):
            mark.unlink()
        if name is not None:
            report.repaired.append(f"recorded that the journal of '{clean_line(name, 64)}' is lost")
        else:
            report.repaired.append(
                f"removed {clean_line(mark)}: the decisions of the reviewer whose journal was "
                f"{clean_line(scan.path.name)} are lost, and their name could not be found (it is not "
                "recorded: their next decision registers them again)"
            )
    for scan in rewrite:
        _rewrite(scan)
        _say_rewritten(report, scan)
    _move_back(folder, articles.moves, targets, report)
    for aid, why_ in articles.missing.items():
        report.repaired.append(
            f"removed article '{clean_line(aid, 80)}' from the index (its file {why_}); the decisions on it "
            "are kept, and count again once 'newsreview add' adds its original text"
        )
    for path, row in articles.orphans:
        report.repaired.append(f"indexed {clean_line(path.name)} (article '{clean_line(row['id'], 80)}')")
    for slug, name in sorted(unregistered.items()):
        report.repaired.append(f"registered the journal {slug}.jsonl of reviewer '{clean_line(name, 64)}'")
    if rewrite_index:
        counters: dict[str, int] = {}
        for _, ops in index.good:
            for table, doc_id, _ in ops:
                counters[table] = max(counters.get(table, 0), int(doc_id))
        for op in extra_index:
            counters[op[0]] = counters.get(op[0], 0) + 1
            op[1] = counters[op[0]]
        if extra_index:
            index.good.append((0, extra_index))
        _rewrite(index)
        if index.absent:
            report.repaired.append(
                f"wrote a new {clean_line(index.path)} from the article files and journals found: what only the "
                "old one held is lost — assignments, takes, leads and other settings, removals, and every "
                "re-extraction ('newsreview reextract'): each article shows the candidates of its first "
                "extraction again"
            )
            report.repaired += _reextraction_losses(journals, articles)
        else:
            _say_rewritten(report, index, quiet=True)
    for path in temps:
        with contextlib.suppress(OSError):
            path.unlink()
    fsync_dir(folder)


def _backup(folder: Path, keep: list[Path], aside: list[Path]) -> Path:
    """A new backup folder holding a copy of each of ``keep`` and, moved there, each of ``aside``;
    every copy is on disk before this returns. Refuses (nothing changed) if a copy cannot be made."""
    backup = new_folder(folder, f"{BACKUP_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}", "a backup folder")
    made: set[Path] = {backup}
    for path in keep:
        target = backup / path.relative_to(folder)
        try:
            _folders_to(backup, target.parent)
            made.add(target.parent)
            shutil.copy2(path, target)  # a symlink's content, not the link
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as err:
            raise StoreWriteError(
                f"cannot back up {clean_line(path)} into {clean_line(backup)}: {why(err)}; nothing was changed"
            ) from None
    for path in aside:
        target = backup / path.relative_to(folder)
        try:
            _folders_to(backup, target.parent)
            made.add(target.parent)
            os.rename(path, target)
            fsync_dir(path.parent)
        except OSError as err:
            raise StoreWriteError(f"cannot move {clean_line(path)} into {clean_line(backup)}: {why(err)}") from None
    for path in sorted(made, key=lambda p: len(p.parts), reverse=True):
        fsync_dir(path)
    return backup


def _folders_to(backup: Path, folder: Path) -> None:
    """Make ``folder`` and the folders above it up to ``backup``, each with its parent's mode (a member's
    backup of another's journal is theirs to read, whatever the repairer's umask)."""
    for level in reversed([folder, *folder.parents]):
        if level == backup or backup not in level.parents:
            continue
        make_folder(level, exist_ok=True)


def _drop_cache(folder: Path, report: Report) -> None:
    """Delete the derived cache, which the repair makes stale (summaries of lost or dropped lines)."""
    cache = folder / CACHE
    if os.path.islink(cache) or not cache.is_dir():
        return
    dropped = False
    for entry in sorted(cache.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            continue
        try:
            entry.unlink()
            dropped = True
        except OSError as err:
            report.notes.append(
                f"could not delete {clean_line(entry)} ({why(err)}): delete it by hand, or the store may show "
                "figures from before the repair"
            )
    if dropped:
        report.repaired.append(f"deleted the derived cache in {clean_line(cache)} (the next open rebuilds it)")


def _move_back(folder: Path, moves: dict[str, Path], targets: dict[str, Path], report: Report) -> None:
    """Each article file back to its own name: all first to a temporary name, then each to its own, so
    that no file is overwritten before its content is safe (a swap, a cycle)."""
    if not moves:
        return
    staged: list[tuple[str, Path, Path]] = []
    for aid, where in moves.items():
        n = 0
        while True:
            tmp = where.with_name(f"{MOVING_PREFIX}{n or ''}{where.name}")
            if not os.path.lexists(tmp):
                break
            n += 1
        try:
            os.rename(where, tmp)
        except OSError as err:
            raise StoreWriteError(f"cannot move {clean_line(where)}: {why(err)}") from None
        staged.append((aid, where, tmp))
    fsync_dir(folder / ARTICLES)
    for aid, where, tmp in staged:
        target = targets[aid]
        try:
            os.replace(tmp, target)  # what stood there is in the backup, or was itself moved away above
        except OSError as err:
            raise StoreWriteError(f"cannot move {clean_line(tmp)} to {clean_line(target)}: {why(err)}") from None
        report.repaired.append(
            f"moved {clean_line(where.name)} back to {clean_line(target.name)} (article '{clean_line(aid, 80)}')"
        )
    fsync_dir(folder / ARTICLES)


def _say_rewritten(report: Report, scan: Scan, *, quiet: bool = False) -> None:
    shown = clean_line(scan.path)
    report.repaired += [
        (
            f"{shown}: dropped line {n} (a copy of line {scan.copies[n]})"
            if n in scan.copies
            else f"{shown}: dropped line {n} (damaged)" + (f": it recorded {scan.held[n]}" if n in scan.held else "")
        )
        for n in scan.dropped
    ]
    if scan.torn:
        if scan.truncated:
            report.repaired.append(
                f"{shown}: dropped what was left of line {scan.lines + 1} ({scan.torn} bytes): its mark had "
                "recorded it, so that decision is lost (the backup keeps its bytes)"
            )
        else:
            report.repaired.append(f"{shown}: dropped an incomplete last line ({scan.torn} bytes), never acknowledged")
    whole = (scan.mark_lines or 0) - scan.lines - (1 if scan.torn else 0)  # recorded lines cut off whole
    if scan.truncated and whole > 0 and not scan.missing:
        first = scan.lines + (2 if scan.torn else 1)
        which = f"line {first}" if whole == 1 else f"lines {first} to {first + whole - 1}"
        report.repaired.append(
            f"{shown}: {which}, which its mark had recorded, {'is' if whole == 1 else 'are'} gone (cut off): "
            + ("what they recorded is lost" if scan.path.name == INDEX else "those decisions are lost")
            + ""
        )
    if scan.link is not None:
        report.repaired.append(
            f"replaced the symbolic link {shown} (to {clean_line(scan.link, 200)}) by a file holding its "
            f"{len(scan.good)} good lines (the link's target was left as it is)"
        )
    elif not quiet:
        report.repaired.append(f"rewrote {shown} with its {len(scan.good)} good lines")


def _write_file(path: Path, data: bytes) -> None:
    """Atomically write ``data`` as a regular file at ``path``; a symlink there is replaced, not followed."""
    if not os.path.islink(path):
        atomic_write(path, data)
        return
    tmp = path.with_name(f".{path.name[:40]}.doctor.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    atomic_write(tmp, data)
    try:
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreWriteError(f"cannot write {clean_line(path)}: {why(err)}") from None


def _rewrite(scan: Scan) -> None:
    data = b"".join(encode_line(seq, ops) for seq, (_, ops) in enumerate(scan.good, 1))
    _write_file(scan.path, data)
    mark = scan.mark_path
    if scan.good:
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        bound = binding_of(scan.store_id, scan.path) or {}
        _write_file(
            mark, orjson.dumps({"lines": len(scan.good), "size": len(data), "crc": last[-10:-2].decode(), **bound})
        )
    else:
        with contextlib.suppress(FileNotFoundError):
            mark.unlink()
