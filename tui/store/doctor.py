"""``newsreview doctor``: check every file of a folder store, and with ``--repair`` mend what can be.

Checking reads everything and reports each problem on its own line (file, line, why); it writes
nothing. Repairing first copies every file it will change into ``doctor-backup-<time>/`` in the
store, then:

- a journal (the index, or a reviewer's) keeps every line that verifies, renumbered; each line it
  drops is named, with why (a damaged line's decision is lost — the backup keeps its bytes);
- a journal's mark is rewritten from the journal as it now is; a mark whose journal is gone is
  removed, and that reviewer's decisions are reported lost;
- an article file found under another article's name is moved back where it belongs; an article
  whose file is missing or damaged is removed from the index (a ``removed`` record says why; its
  decisions stay in the journals but are not shown); an intact article file the index does not list
  (a crash between writing and indexing it) is indexed;
- leftover temp files are deleted; a missing ``newsreview.json`` beside the other files is rewritten.

Every writer must be closed first: repairing takes the index lock and every reviewer's lock.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from .articles import file_name, parse
from .errors import StoreError, StoreLocked
from .files import atomic_write, fsync_dir
from .folder import ARTICLES, FORMAT, INDEX, INDEX_LOCK, JOURNALS, META_FILE, V1_FORMAT, _now
from .journal import decode_line, encode_line
from .lock import FileLock


@dataclass
class Scan:
    """One journal read line by line, damage and all."""

    path: Path
    good: list[tuple[int, list[Any]]] = field(default_factory=list)  # (line number, ops)
    problems: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    torn: int = 0
    missing: bool = False
    changed: bool = False  # repair must rewrite it


def scan_journal(path: Path) -> Scan:
    scan = Scan(path)
    shown = clean_line(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        scan.missing = True
        return scan
    pieces = data.split(b"\n")
    expected = 1
    for number, raw in enumerate(pieces[:-1], 1):
        try:
            seq, ops, _ = decode_line(raw)
        except ValueError as err:
            scan.problems.append(f"{shown} line {number}: {err}")
            scan.dropped.append(number)
            scan.changed = True
            continue
        if seq != expected:
            scan.problems.append(f"{shown} line {number}: sequence {seq} where {expected} was due")
            scan.changed = True
        expected = seq + 1
        scan.good.append((number, ops))
    if pieces[-1]:
        scan.torn = len(pieces[-1])
        scan.changed = True
    mark_path = path.with_name(path.name + ".mark")
    if mark_path.exists():
        try:
            mark = orjson.loads(mark_path.read_bytes())
            lines = int(mark["lines"])
        except (ValueError, KeyError, TypeError):
            scan.problems.append(f"{clean_line(mark_path)} is unreadable")
            scan.changed = True
        else:
            total = len(pieces) - 1
            if total < lines:
                scan.problems.append(f"{shown} has {total} complete lines but {lines} were recorded: it was truncated")
                scan.changed = True
    return scan


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # harmless findings
    repaired: list[str] = field(default_factory=list)
    backup: Path | None = None

    @property
    def healthy(self) -> bool:
        return not self.problems


def check(folder: Path, *, repair: bool = False) -> Report:
    report = Report()
    shown = clean_line(folder)
    if not folder.is_dir():
        raise StoreError(f"no store at {shown}")
    meta_path = folder / META_FILE
    meta_ok = False
    try:
        fmt = orjson.loads(meta_path.read_bytes())["_meta"]["1"]["format"]
        if fmt == V1_FORMAT:
            report.notes.append(f"{shown} was written by an earlier newsreview: opening it upgrades it in place")
            return report
        meta_ok = fmt == FORMAT
        if not meta_ok:
            report.problems.append(f"{clean_line(meta_path)}: unknown format {clean_line(fmt, 40)!r}")
    except FileNotFoundError:
        report.problems.append(f"{clean_line(meta_path)} is missing")
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"{clean_line(meta_path)} is unreadable")

    locks: list[FileLock] = []
    if repair:
        locks = _lock_everything(folder)
    try:
        index = scan_journal(folder / INDEX)
        report.problems += index.problems
        rows, registered, removed = _index_tables(index)
        journals: dict[str, Scan] = {}
        names = set(registered) | {p.name[: -len(".jsonl")] for p in (folder / JOURNALS).glob("*.jsonl")}
        names |= {p.name[: -len(".jsonl.mark")] for p in (folder / JOURNALS).glob("*.jsonl.mark")}
        for slug in sorted(names):
            scan = scan_journal(folder / JOURNALS / f"{slug}.jsonl")
            journals[slug] = scan
            report.problems += scan.problems
            if scan.missing and (slug in registered and not registered[slug].get("lost")):
                report.problems.append(
                    f"the journal of reviewer '{clean_line(registered[slug]['name'], 64)}' "
                    f"({clean_line(scan.path)}) is missing: their decisions are lost"
                )
            if scan.torn:
                report.notes.append(
                    f"{clean_line(scan.path)} ends with an incomplete line ({scan.torn} bytes) left by a crash; "
                    "it was never acknowledged and is dropped"
                )
        if index.torn:
            report.notes.append(f"{clean_line(index.path)} ends with an incomplete line; it is dropped")
        moves, missing, orphans = _check_articles(folder, rows, removed, report)
        temps = [p for p in folder.rglob(".*.tmp") if p.is_file()]
        if temps:
            report.notes.append(f"{len(temps)} leftover temporary file(s) from interrupted writes")
        if repair:
            _repair(folder, report, index, journals, registered, moves, missing, orphans, temps, meta_ok)
    finally:
        for lock in locks:
            lock.release()
    return report


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


def _check_articles(
    folder: Path, rows: dict[str, dict[str, Any]], removed: set[str], report: Report
) -> tuple[dict[str, Path], dict[str, str], list[tuple[Path, dict[str, Any]]]]:
    """(files to move back: article -> where it is now, articles missing: id -> why, intact orphans)."""
    files: dict[str, tuple[Path, dict[str, Any] | str]] = {}
    for path in sorted((folder / ARTICLES).glob("*.json")):
        try:
            parsed = parse(path.read_bytes(), None)
        except OSError as err:
            parsed = f"cannot be read ({err.strerror})"
        aid = parsed["article"].get("id") if isinstance(parsed, dict) else None
        files[path.name] = (path, parsed)
        if aid is not None:
            files.setdefault("id:" + str(aid), (path, parsed))
    moves: dict[str, Path] = {}
    missing: dict[str, str] = {}
    indexed_files = set()
    for aid, row in rows.items():
        if aid in removed:
            continue
        name = row["shard"]
        indexed_files.add(name)
        here = files.get(name)
        problem: str | None
        if here is None:
            problem = "is missing"
        elif isinstance(here[1], str):
            problem = here[1]
        else:
            checked = parse(here[0].read_bytes(), row)
            problem = checked if isinstance(checked, str) else None
        if problem is None:
            continue
        where = f"article '{clean_line(aid, 80)}' ({clean_line(folder / ARTICLES / name)})"
        elsewhere = files.get("id:" + aid)
        if elsewhere is not None and elsewhere[0].name != name and isinstance(elsewhere[1], dict):
            ok = parse(elsewhere[0].read_bytes(), row)
            if isinstance(ok, dict):
                report.problems.append(f"{where} {problem}; it is in {clean_line(elsewhere[0].name)} instead")
                moves[aid] = elsewhere[0]
                continue
        report.problems.append(f"{where} {problem}")
        missing[aid] = problem
    orphans = []
    for name, (path, parsed) in files.items():
        if name.startswith("id:") or name in indexed_files or not isinstance(parsed, dict):
            continue
        row = parsed["article"].get("row")
        aid = parsed["article"].get("id")
        if aid in rows and any(rows[aid]["shard"] == m.name for m in moves.values()):
            continue
        if isinstance(row, dict) and row.get("id") == aid and aid not in rows and file_name(aid) == name:
            report.notes.append(f"{clean_line(path)} holds article '{clean_line(aid, 80)}', which is not indexed")
            orphans.append((path, row))
    return moves, missing, orphans


def _lock_everything(folder: Path) -> list[FileLock]:
    locks = []
    try:
        index_lock = FileLock(folder / INDEX_LOCK)
        index_lock.acquire("'newsreview doctor --repair'", refused="{holder} is adding articles; let it finish first")
        locks.append(index_lock)
        for path in sorted((folder / JOURNALS).glob("*.lock")):
            lock = FileLock(path)
            lock.acquire(
                "'newsreview doctor --repair'",
                refused="the store is in use by {holder}; close every newsreview on it before repairing",
            )
            locks.append(lock)
    except StoreLocked:
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
    moves: dict[str, Path],
    missing: dict[str, str],
    orphans: list[tuple[Path, dict[str, Any]]],
    temps: list[Path],
    meta_ok: bool,
) -> None:
    backup = folder / f"doctor-backup-{time.strftime('%Y%m%d-%H%M%S')}"
    backup.mkdir(exist_ok=True)
    report.backup = backup

    def keep(path: Path) -> None:
        if path.exists():
            target = backup / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)

    if not meta_ok:
        keep(folder / META_FILE)
        meta = {"format": FORMAT, "created": _now(), "repaired": _now()}
        atomic_write(folder / META_FILE, orjson.dumps({"_meta": {"1": meta}}))
        report.repaired.append(f"wrote a new {META_FILE}")
    extra_index: list[list[Any]] = []
    for slug, scan in journals.items():
        mark = scan.path.with_name(scan.path.name + ".mark")
        if scan.missing:
            if mark.exists() or (slug in registered and not registered[slug].get("lost")):
                keep(mark)
                with contextlib.suppress(FileNotFoundError):
                    mark.unlink()
                name = registered.get(slug, {}).get("name", slug)
                extra_index.append(["reviewers", 0, {"name": name, "journal": slug, "at": _now(), "lost": True}])
                report.repaired.append(f"recorded that the journal of '{clean_line(name, 64)}' is lost")
            continue
        if scan.changed:
            keep(scan.path)
            keep(mark)
            _rewrite(scan)
            for number in scan.dropped:
                report.repaired.append(f"{clean_line(scan.path)}: dropped line {number} (damaged)")
            report.repaired.append(f"rewrote {clean_line(scan.path)} with its {len(scan.good)} good lines")
    for aid, where in moves.items():
        row_name = file_name(aid)
        target = folder / ARTICLES / row_name
        keep(where)
        if target.exists():
            keep(target)
            target.unlink()
        where.rename(target)
        report.repaired.append(f"moved {clean_line(where.name)} back to {row_name} (article '{clean_line(aid, 80)}')")
    for aid, why in missing.items():
        extra_index.append(["removed", 0, {"article": aid, "reason": why, "at": _now()}])
        report.repaired.append(f"removed article '{clean_line(aid, 80)}' from the index (its file {why})")
    for path, row in orphans:
        extra_index.append(["articles", 0, row])
        report.repaired.append(f"indexed {clean_line(path.name)} (article '{clean_line(row['id'], 80)}')")
    if index.changed or extra_index:
        keep(index.path)
        keep(index.path.with_name(index.path.name + ".mark"))
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
        if index.dropped:
            report.repaired += [f"{clean_line(index.path)}: dropped line {n} (damaged)" for n in index.dropped]
    for path in temps:
        with contextlib.suppress(OSError):
            path.unlink()
    fsync_dir(folder)


def _rewrite(scan: Scan) -> None:
    data = b"".join(encode_line(seq, ops) for seq, (_, ops) in enumerate(scan.good, 1))
    atomic_write(scan.path, data)
    mark = scan.path.with_name(scan.path.name + ".mark")
    if scan.good:
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        atomic_write(mark, orjson.dumps({"lines": len(scan.good), "size": len(data), "crc": last[-10:-2].decode()}))
    else:
        with contextlib.suppress(FileNotFoundError):
            mark.unlink()
