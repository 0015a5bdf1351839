"""``newsreview apply``: decisions as JSON lines, applied as they arrive, one result line each.

A result line is written and flushed only after the store has made that decision durable (the store's
append returns after fdatasync), so whoever reads the output can trust every ``"ok": true``.
"""

from __future__ import annotations

import json
from typing import IO, Any

from .store import DecisionError, ReviewStore, StoreError, StoreWriteError

EDIT_FIELDS = ("label", "start", "end", "speaker", "cue", "quote_type", "checkworthiness")


def apply_line(store: ReviewStore, raw: str) -> str:
    """Apply one decision; returns the candidate id, raises DecisionError/StoreError with a message."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DecisionError(f"malformed JSON ({err.msg}, column {err.colno})") from None
    if not isinstance(obj, dict):
        raise DecisionError("expected a JSON object")
    action = obj.get("action")
    article = obj.get("article")
    if not isinstance(article, str) or not article:
        raise DecisionError("field 'article' (an article id) is required")
    if action not in ("accept", "reject", "edit", "add", "undo", "redo"):
        raise DecisionError(f"field 'action' must be accept, reject, edit, add, undo or redo, not {action!r}")
    store.article_info(article)
    seconds = obj.get("seconds")
    if seconds is not None and (not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0):
        raise DecisionError("field 'seconds' must be a non-negative number")
    if action == "add":
        fields = {k: v for k, v in obj.items() if k not in ("article", "action", "seconds", "candidate")}
        return store.add_candidate(article, fields, seconds=seconds)["id"]
    candidate = obj.get("candidate")
    if not isinstance(candidate, str) or not candidate:
        raise DecisionError("field 'candidate' (a candidate id) is required")
    changes = None
    if action == "edit":
        changes = obj.get("changes")
        if changes is None:
            changes = {k: obj[k] for k in EDIT_FIELDS if k in obj}
        if not isinstance(changes, dict):
            raise DecisionError("field 'changes' must be an object")
    return store.decide(article, candidate, action, changes=changes, seconds=seconds)["id"]


def apply_stream(store: ReviewStore, stream: IO[str], out: IO[str]) -> int:
    """Apply every line of ``stream``; returns how many failed. Stops on a failed write (disk full...)."""
    failed = 0
    number = 0
    while True:
        raw = stream.readline()
        if not raw:
            break
        number += 1
        if not raw.strip():
            continue
        result: dict[str, Any]
        try:
            result = {"line": number, "ok": True, "candidate": apply_line(store, raw)}
        except StoreWriteError as err:
            failed += 1
            _emit(out, {"line": number, "ok": False, "error": str(err)})
            break  # the disk refused: later lines would fail the same way; nothing after is applied
        except StoreError as err:
            failed += 1
            result = {"line": number, "ok": False, "error": str(err)}
        _emit(out, result)
    return failed


def _emit(out: IO[str], result: dict[str, Any]) -> None:
    out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
