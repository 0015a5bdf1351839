"""Upgrading a store written by the release before the desk (format ``newsreview-store/1``) in place.

A format-1 store is ``newsreview.json`` (a TinyDB snapshot: articles, decisions), ``journal.jsonl``
(transactions appended since), ``articles/`` and a ``lock`` held by its one writer. The upgrade, under
that lock so no older newsreview writes meanwhile:

1. reads it all (snapshot + journal; a torn last line ignored, anything else garbled refused);
2. writes the format-2 files beside it — ``index.jsonl`` (the articles, the reviewers) and one journal
   per reviewer holding that reviewer's decisions in their order — each to a temp file, fsync'd,
   renamed into place (the article files are kept as they are: format 2 reads them);
3. copies the old ``newsreview.json`` and ``journal.jsonl`` into ``upgrade-backup/``;
4. replaces ``newsreview.json`` with the format-2 marker — the one atomic step that switches formats.

A crash before step 4 leaves a format-1 store (the new files are ignored and rewritten next time);
after it, a format-2 store. Then ``journal.jsonl`` is removed (its backup stays).

Format 1 overwrote one reviewer's decision with another's; format 2 keeps each reviewer's, so such a
candidate shows as disputed after the upgrade — the desk's view of what really happened. What format 1
did *across* reviewers without overwriting is carried over as it was (:func:`per_reviewer`): an undo or
redo worked on the candidate's one shared history, so one reviewer could undo another's decision —
it goes to that decision's reviewer's journal, naming who pressed it (``"by"``); and a reviewer who
accepted (or edited, or rejected) another's edited version kept that version — written as an edit
holding its fields, the original action under ``"upgraded"``. (QA, stop 41: an undo of another's accept
was dropped — the accept came back — and an accept of another's relabel became a false dispute.)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from . import clock
from .errors import StoreDamaged, StoreError
from .files import atomic_write, fsync_dir, make_folder, new_folder, read_file, why
from .history import History, next_level
from .journal import encode_line
from .lock import FileLock

BACKUP = "upgrade-backup"


def read_v1(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(article rows in order, decision records in order) of a format-1 store; StoreDamaged names the
    first line that is garbled."""
    articles, decisions, garbled = _read_v1(folder)
    if garbled:
        raise StoreDamaged(
            f"damaged: {clean_line(folder / 'journal.jsonl')} line {garbled[0]} is garbled; the store was not "
            "upgraded (run 'newsreview doctor')"
        )
    return articles, decisions


def _read_v1(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """What :func:`read_v1` reads, with the numbers of the journal's garbled lines (left out) instead of
    refusing at the first."""
    snapshot = folder / "newsreview.json"
    try:
        data = json.loads(snapshot.read_text(encoding="utf-8"))
        seq = int(data.get("_meta", {}).get("1", {}).get("seq", 0))
        tables: dict[str, dict[str, Any]] = {k: dict(v) for k, v in data.items() if isinstance(v, dict)}
    except (OSError, ValueError, TypeError, AttributeError) as err:
        raise StoreDamaged(f"damaged: {clean_line(snapshot)} cannot be read ({clean_line(err, 120)})") from None
    journal = folder / "journal.jsonl"
    try:
        raw = read_file(journal)
    except FileNotFoundError:
        raw = b""
    garbled: list[int] = []
    for number, line in enumerate(raw.split(b"\n")[:-1], 1):  # the last piece is empty or torn (never acknowledged)
        try:
            entry = json.loads(line)
            line_seq, ops = int(entry["seq"]), entry["ops"]
            checked = [(str(table), str(doc_id), dict(doc)) for table, doc_id, doc in ops]
            if any(_odd_record(table, doc) for table, _, doc in checked):
                raise ValueError("a record of no known shape")
        except (ValueError, KeyError, TypeError):
            garbled.append(number)  # (review: a decision lacking its reviewer passed, and the upgrade crashed)
            continue
        if line_seq <= seq:
            continue
        for table, doc_id, doc in checked:
            tables.setdefault(table, {})[doc_id] = doc
        seq = line_seq
    try:
        articles = [doc for _, doc in sorted(tables.get("articles", {}).items(), key=lambda kv: int(kv[0]))]
        decisions = sorted(tables.get("decisions", {}).values(), key=lambda d: d["seq"])
        if any(_odd_record("decisions", d) for d in decisions) or any(not isinstance(a, dict) for a in articles):
            raise ValueError("a record of no known shape")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise StoreDamaged(f"damaged: {clean_line(snapshot)} holds records of no known shape") from None
    return articles, decisions, garbled


_DECISION_KEYS = ("id", "article", "candidate", "action", "reviewer", "at")


def _odd_record(table: str, doc: Any) -> bool:
    """A format-1 decision the upgrade could not carry over: a field it reads missing or of another
    type (format 1 had no checksums: a hand edit, a half-written line that still parses)."""
    if table != "decisions":
        return not isinstance(doc, dict)
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in _DECISION_KEYS):
        return True
    if not isinstance(doc.get("seq"), int) or isinstance(doc.get("seq"), bool):
        return True
    action = doc["action"]
    if action not in ("accept", "reject", "edit", "add", "undo", "redo"):
        return True
    if action == "edit" and not isinstance(doc.get("changes"), dict):
        return True
    return action == "add" and not isinstance(doc.get("added"), dict)


def v1_garbled(folder: Path) -> list[int]:
    """The numbers of a format-1 journal's garbled lines (``newsreview doctor``); StoreDamaged if its
    ``newsreview.json`` cannot be read."""
    return _read_v1(folder)[2]


def upgrade_v1(folder: Path) -> str:
    """Upgrade ``folder`` in place; returns a one-line notice for the user."""
    from .folder import FORMAT, INDEX, JOURNALS, META_FILE, journal_slug

    shown = clean_line(folder)
    if not os.access(folder, os.W_OK):  # a read-only mount, an archive: nothing could be written
        raise StoreError(
            f"{shown} was written by an earlier newsreview (store format 1) and must be upgraded before "
            "this release can read it, which needs write access to the folder; copy it somewhere writable "
            "(cp -a) and open the copy"
        )
    lock = FileLock(folder / "lock")
    lock.acquire(
        "'newsreview' (upgrading the store)",
        refused=f"{shown} was written by an earlier newsreview and is open for writing by {{holder}}; "
        "close it first (the store is upgraded the next time it is opened)",
    )
    made: list[Path] = []  # what the upgrade wrote before the switch: removed again if it fails
    backup = folder / BACKUP
    try:
        articles, decisions = read_v1(folder)
        try:
            by_reviewer = per_reviewer(decisions)
        except (KeyError, TypeError, ValueError, AttributeError) as err:  # what _odd_record missed
            raise StoreDamaged(
                f"damaged: {shown} holds a decision the upgrade cannot read ({clean_line(err, 80)}); "
                "run 'newsreview doctor'"
            ) from None
        at = clock.now()
        created = _v1_created(folder) or at
        if not (folder / JOURNALS).is_dir():
            make_folder(folder / JOURNALS)
            made.append(folder / JOURNALS)
        index_txn: list[list[Any]] = [["articles", i, row] for i, row in enumerate(articles, 1)]
        index_txn += [
            ["reviewers", i, {"name": name, "journal": journal_slug(name), "at": at}]
            for i, name in enumerate(sorted(by_reviewer), 1)
        ]
        made += _write_journal(folder / INDEX, [index_txn] if index_txn else [])
        for name, records in by_reviewer.items():
            txns: list[list[list[Any]]] = []
            for n, record in enumerate(records, 1):
                record = {**record, "seq": n}
                if txns and record.get("batch") and txns[-1][-1][2].get("batch") == record["batch"]:
                    txns[-1].append(["decisions", n, record])
                else:
                    txns.append([["decisions", n, record]])
            made += _write_journal(folder / JOURNALS / f"{journal_slug(name)}.jsonl", txns)
        # upgrade-backup/, or -2/… beside one an earlier, failed attempt left (the review saw its copies overwritten)
        backup = new_folder(folder, BACKUP, "a backup folder")
        made.append(backup)
        for old in ("newsreview.json", "journal.jsonl"):
            if (folder / old).exists():
                copy = backup / old.replace(".json", ".v1.json")
                made.append(copy)
                shutil.copy2(folder / old, copy)
                with open(copy, "rb") as f:
                    os.fsync(f.fileno())
        fsync_dir(backup)
        meta = {
            "format": FORMAT,
            "created": created,
            "store_id": uuid.uuid4().hex,
            "upgraded_from": "newsreview-store/1",
            "upgraded_at": at,
        }
        atomic_write(folder / META_FILE, orjson.dumps({"_meta": {"1": meta}}))  # the switch
        made.clear()
        with contextlib.suppress(OSError):
            (folder / "journal.jsonl").unlink()
            fsync_dir(folder)
    except (OSError, StoreError) as err:
        if isinstance(err, StoreDamaged):
            raise
        reason = why(err) if isinstance(err, OSError) else str(err).removeprefix("newsreview: ")
        if _switched(folder, FORMAT):  # the marker was replaced, its folder's sync failed (review): the
            # new files are the store now and the old ones are in the backup — nothing is removed
            raise StoreError(
                f"upgraded {shown}, but the last step could not be made durable ({reason}); run "
                f"'newsreview doctor' (the old files are in {clean_line(backup.name)}/)"
            ) from None
        _remove(made)  # a disk that filled halfway: the format-1 store stays as it was, and only it
        raise StoreError(f"cannot upgrade {shown} ({reason}); it was left as it was") from None
    finally:
        lock.release()
    return (
        f"upgraded {shown} to the desk format: {len(articles)} articles, {len(decisions)} decisions of "
        f"{len(by_reviewer)} reviewer(s); the old files are in {clean_line(backup.name)}/"
    )


def per_reviewer(decisions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Format 1's decision records (in their order) as each reviewer's own, folding to the same state:
    every reviewer's version of a candidate is what format 1 showed right after their last decision on
    it, and an undo or redo acts on the same decision it acted on then (see the module's docstring)."""
    by_reviewer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    shared: dict[tuple[str, str], History] = defaultdict(History)  # format 1's one history a candidate
    own: dict[tuple[str, str, str], History] = defaultdict(History)  # format 2's, per reviewer
    for record in decisions:
        who, key = str(record["reviewer"]), (str(record["article"]), str(record["candidate"]))
        history, action = shared[key], record["action"]
        if action in ("undo", "redo"):
            stack = history.applied if action == "undo" else [level for level, _ in history.undone]
            acted = stack[-1].record if stack else None
            history.fold(record)
            if acted is not None and acted.get("reviewer") != who and record.get("target") in (None, acted.get("id")):
                owner = str(acted["reviewer"])  # format 1 undid another reviewer's decision: it is theirs
                record = {**record, "reviewer": owner, "by": who}
                who = owner
            own[(who, *key)].fold(record)
            by_reviewer[who].append(record)
            continue
        wanted = next_level(history.top, record)
        history.fold(record)
        mine = own[(who, *key)]
        if wanted is not None and wanted.status != "rejected":
            got = next_level(mine.top, record)
            if got is not None and got.values != wanted.values:
                # format 1 kept another reviewer's edited fields under this decision: they become this
                # reviewer's own (their values are a superset of the reviewer's own edits, both cumulative)
                record = {
                    **record,
                    "action": "edit",
                    "changes": dict(wanted.values),
                    "upgraded": {"action": action, "changes": record.get("changes")},
                }
        mine.fold(record)
        by_reviewer[who].append(record)
    return by_reviewer


def _write_journal(path: Path, transactions: list[list[list[Any]]]) -> list[Path]:
    """Write a journal (and its mark); returns the files it made."""
    data = b"".join(encode_line(seq, ops) for seq, ops in enumerate(transactions, 1))
    made = [path]
    atomic_write(path, data)
    if transactions:
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        mark = {"lines": len(transactions), "size": len(data), "crc": last[-10:-2].decode("ascii")}
        made.append(path.with_name(path.name + ".mark"))
        atomic_write(made[-1], orjson.dumps(mark))
    return made


def _marker(folder: Path) -> dict[str, Any]:
    """What the store's ``newsreview.json`` says of itself (its ``_meta``), or {} if it cannot be read."""
    try:
        meta = json.loads((folder / "newsreview.json").read_text(encoding="utf-8"))["_meta"]["1"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _switched(folder: Path, fmt: str) -> bool:
    """Whether the store's marker already says ``fmt`` (the upgrade's switch happened)."""
    return bool(_marker(folder).get("format") == fmt)


def _v1_created(folder: Path) -> str | None:
    """When the format-1 store was made (its marker says), kept through the upgrade."""
    created = _marker(folder).get("created")
    return created if isinstance(created, str) else None


def _remove(made: list[Path]) -> None:
    for path in reversed(made):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()  # only if the upgrade left it empty
            else:
                path.unlink()
