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
candidate shows as disputed after the upgrade — the desk's view of what really happened.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections import defaultdict
from datetime import UTC
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from .errors import StoreDamaged, StoreError
from .files import atomic_write, fsync_dir, read_file, why
from .journal import encode_line
from .lock import FileLock

BACKUP = "upgrade-backup"


def _now() -> str:
    from datetime import datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds")


def read_v1(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(article rows in order, decision records in order) of a format-1 store."""
    snapshot = folder / "newsreview.json"
    try:
        data = json.loads(snapshot.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreDamaged(f"damaged: {clean_line(snapshot)} cannot be read ({clean_line(err, 120)})") from None
    seq = int(data.get("_meta", {}).get("1", {}).get("seq", 0))
    tables: dict[str, dict[str, Any]] = {k: dict(v) for k, v in data.items() if isinstance(v, dict)}
    journal = folder / "journal.jsonl"
    try:
        raw = read_file(journal)
    except FileNotFoundError:
        raw = b""
    lines = raw.split(b"\n")
    for number, line in enumerate(lines[:-1], 1):  # the last piece is empty or torn (never acknowledged)
        try:
            entry = json.loads(line)
            line_seq, ops = int(entry["seq"]), entry["ops"]
        except (ValueError, KeyError, TypeError):
            raise StoreDamaged(
                f"damaged: {clean_line(journal)} line {number} is garbled; the store was not upgraded"
            ) from None
        if line_seq <= seq:
            continue
        for table, doc_id, doc in ops:
            tables.setdefault(table, {})[str(doc_id)] = doc
        seq = line_seq
    articles = [doc for _, doc in sorted(tables.get("articles", {}).items(), key=lambda kv: int(kv[0]))]
    decisions = sorted(tables.get("decisions", {}).values(), key=lambda d: d["seq"])
    return articles, decisions


def upgrade_v1(folder: Path) -> str:
    """Upgrade ``folder`` in place; returns a one-line notice for the user."""
    from .folder import FORMAT, INDEX, JOURNALS, META_FILE, journal_slug

    shown = clean_line(folder)
    lock = FileLock(folder / "lock")
    lock.acquire(
        "'newsreview' (upgrading the store)",
        refused=f"{shown} was written by an earlier newsreview and is open for writing by {{holder}}; "
        "close it first (the store is upgraded the next time it is opened)",
    )
    try:
        articles, decisions = read_v1(folder)
        by_reviewer: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in decisions:
            by_reviewer[str(record["reviewer"])].append(record)
        at = _now()
        (folder / JOURNALS).mkdir(exist_ok=True)
        index_txn: list[list[Any]] = [["articles", i, row] for i, row in enumerate(articles, 1)]
        index_txn += [
            ["reviewers", i, {"name": name, "journal": journal_slug(name), "at": at}]
            for i, name in enumerate(sorted(by_reviewer), 1)
        ]
        _write_journal(folder / INDEX, [index_txn] if index_txn else [])
        for name, records in by_reviewer.items():
            txns: list[list[list[Any]]] = []
            for n, record in enumerate(records, 1):
                record = {**record, "seq": n}
                if txns and record.get("batch") and txns[-1][-1][2].get("batch") == record["batch"]:
                    txns[-1].append(["decisions", n, record])
                else:
                    txns.append([["decisions", n, record]])
            _write_journal(folder / JOURNALS / f"{journal_slug(name)}.jsonl", txns)
        backup = folder / BACKUP
        backup.mkdir(exist_ok=True)
        for old in ("newsreview.json", "journal.jsonl"):
            if (folder / old).exists():
                shutil.copy2(folder / old, backup / old.replace(".json", ".v1.json"))
        fsync_dir(backup)
        meta = {"format": FORMAT, "created": at, "store_id": uuid.uuid4().hex, "upgraded_from": "newsreview-store/1"}
        atomic_write(folder / META_FILE, orjson.dumps({"_meta": {"1": meta}}))
        with contextlib.suppress(OSError):
            (folder / "journal.jsonl").unlink()
            fsync_dir(folder)
    except OSError as err:
        raise StoreError(f"cannot upgrade {shown}: {why(err)}; it was left as it was") from None
    finally:
        lock.release()
    return (
        f"upgraded {shown} to the desk format: {len(articles)} articles, {len(decisions)} decisions of "
        f"{len(by_reviewer)} reviewer(s); the old files are in {BACKUP}/"
    )


def _write_journal(path: Path, transactions: list[list[list[Any]]]) -> None:
    data = b"".join(encode_line(seq, ops) for seq, ops in enumerate(transactions, 1))
    atomic_write(path, data)
    if transactions:
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        mark = {"lines": len(transactions), "size": len(data), "crc": last[-10:-2].decode("ascii")}
        atomic_write(path.with_name(path.name + ".mark"), orjson.dumps(mark))
