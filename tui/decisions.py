"""``newsreview apply``: decisions as JSON lines, applied as they arrive, one result line each.

A result line is written and flushed only after the store has made that decision durable (the store's
append returns after fdatasync), so whoever reads the output can trust every ``"ok": true``. Lines are
read as bytes and split on ``\\n`` only; each is parsed strictly (no NaN, no lone surrogates, no deep
nesting, valid UTF-8): a bad line fails alone and the rest of the stream is applied.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

import orjson

from extractors.strict_json import JSONInputError, loads
from extractors.vocabulary import ACTIONS

from .sanitize import clean_line
from .store import DecisionError, ReviewStore, StoreError, StoreUnavailable, StoreWriteError, Unchanged

EDIT_FIELDS = ("label", "start", "end", "speaker", "cue", "quote_type", "numbers", "hedges", "checkworthiness")
MAX_LINE = 1_000_000  # bytes: a decision is small; a longer line is refused without being held in memory
MAX_SKIP = 64 << 20  # bytes of one over-long line skipped before the input is taken for no JSON lines at all
ALL_ACTIONS = (*ACTIONS, "confirm-suggestions")
MAX_SECONDS = 86_400  # the time a decision took: more than a day is a mistake, not a measurement
_COMMON = ("article", "action", "seconds")


def _fields_for(action: str, obj: dict[str, Any]) -> tuple[str, ...]:
    """The fields a line of ``action`` may hold."""
    if action == "confirm-suggestions":
        return _COMMON
    if action == "add":
        return (*_COMMON, "kind", *EDIT_FIELDS)
    if "group" in obj:  # (a lead's ruling on every disputed mention: adjudicate + choose, or adjudicate: true)
        return (*_COMMON, "group", "label", "adjudicate", *(("choose",) if action == "adjudicate" else ()))
    extra = {"edit": ("changes", *EDIT_FIELDS), "adjudicate": ("choose",)}.get(action, ())
    return (*_COMMON, "candidate", "adjudicate", *extra)


def _unknown_fields(action: str, obj: dict[str, Any]) -> None:
    """A misspelt field is refused, not ignored: ``"adjudicat": true`` would otherwise record a plain
    decision where an adjudication was meant."""
    allowed = _fields_for(action, obj)
    unknown = [k for k in obj if k not in allowed]
    if unknown:
        raise DecisionError(
            f"unknown field '{clean_line(unknown[0], 40)}' for action '{action}' (it takes {', '.join(allowed)})"
        )


DERIVED = ("numbers", "hedges", "checkworthiness")


class ClaimFields:
    """The numbers, hedges and check-worthiness of a claim whose content a line sets (an added claim,
    an edit that moves the content) and that the line does not give: worked out as the review screen
    does, by the extraction's own code on a pipeline loaded once, on the first line that needs it."""

    def __init__(self, model: str | None = None) -> None:
        self.model = model
        self.extractor: Any = None
        self.error: str | None = None

    def fill(self, text: str, start: Any, end: Any, fields: dict[str, Any]) -> str | None:
        """Put the missing derived fields into ``fields``; returns why they could not be, if so."""
        missing = [k for k in DERIVED if k not in fields]
        if not missing or not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
            return None  # nothing to do, or offsets the store refuses with its own message
        if self.extractor is None and self.error is None:
            try:
                from .ingest import load_extractor

                self.extractor = load_extractor(self.model)
            except Exception as err:  # a model that will not load: decisions are saved without the fields
                self.error = f"{type(err).__name__}: {clean_line(err, 200)}"
        if self.error is not None:
            return f"numbers, hedges and check-worthiness not worked out ({self.error})"
        from extractors.claims.fields import claim_fields

        try:
            got = claim_fields(self.extractor, text, start, end)
        except Exception as err:  # an odd span the pipeline chokes on must not lose the decision
            return f"numbers, hedges and check-worthiness not worked out ({type(err).__name__}: {clean_line(err, 200)})"
        for key in missing:
            fields[key] = got[key]  # type: ignore[literal-required]
        return None


def apply_line(store: ReviewStore, raw: bytes | str, fields: ClaimFields | None = None) -> dict[str, str]:
    """Apply one decision; returns the result line's fields (the candidate id; whom an article was
    taken over from, when this reviewer's decision relieved an absent assignee, as the review screen
    does; a warning when a claim's derived fields could not be worked out; ``unchanged`` when it was an
    accept or reject of what the reviewer had decided so already, and nothing was written); raises
    DecisionError/StoreError with a message."""
    warnings: list[str] = []
    try:
        article, candidate, reviewing = _apply(store, raw, fields or ClaimFields(), warnings)
    except Unchanged as same:  # a script run again: its accepts and rejects are there already
        return {"candidate": same.candidate, "unchanged": str(same)}
    result = {"candidate": candidate}
    if warnings:
        result["warning"] = "; ".join(warnings)
    try:
        took = store.take(article) if reviewing else None
    except StoreError as err:  # the decision itself is on disk: the line stays ok
        result["warning"] = f"could not take the article over: {err}"
        return result
    if took is not None:
        result["took_over_from"] = took
    return result


def _apply(store: ReviewStore, raw: bytes | str, derived: ClaimFields, warnings: list[str]) -> tuple[str, str, bool]:
    """Apply one decision: (article id, candidate id(s), whether it was a review decision — not an
    undo, a redo or a lead's adjudication)."""
    try:
        # without its line end: a line cut short was "unexpected end of data (line 2, column 1)"
        obj = loads(raw.rstrip(b"\r\n") if isinstance(raw, bytes) else raw.rstrip("\r\n"))
    except JSONInputError as err:
        said = str(err)  # the loader names most refusals "malformed JSON: …" itself
        raise DecisionError(said if said.startswith("malformed JSON") else f"malformed JSON: {said}") from None
    if not isinstance(obj, dict):
        raise DecisionError("expected a JSON object")
    action = obj.get("action")
    article = _id_field(obj, "article", "an article id")
    if action is None:
        raise DecisionError(f"missing field 'action' (one of {', '.join(ALL_ACTIONS)})")
    if not isinstance(action, str):
        raise DecisionError(f"field 'action' ({', '.join(ALL_ACTIONS)}) must be a string, not {_json_type(action)}")
    if action not in ALL_ACTIONS:
        raise DecisionError(f"field 'action' must be one of {', '.join(ALL_ACTIONS)}, not '{clean_line(action, 40)}'")
    _unknown_fields(action, obj)
    store.article_info(article)
    seconds = obj.get("seconds")
    if seconds is not None and (
        not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= MAX_SECONDS
    ):
        raise DecisionError(f"field 'seconds' must be a number from 0 to {MAX_SECONDS:,} (a day)")
    if action == "confirm-suggestions":
        states = store.confirm_suggestions(article, seconds=seconds)
        return article, ",".join(str(s["id"]) for s in states), True
    if action == "add":
        fields = {k: v for k, v in obj.items() if k not in ("article", "action", "seconds", "candidate")}
        if fields.get("kind") == "claim":
            text = store.article(article)["text"]
            _warn(warnings, derived.fill(text, fields.get("start"), fields.get("end"), fields))
        return article, str(store.add_candidate(article, fields, seconds=seconds)["id"]), True
    group = obj.get("group")
    if group is not None:
        if not isinstance(group, str) or not group:
            raise DecisionError("field 'group' must be a group id (from the export's 'groups')")
        label = obj.get("label")
        ruling = obj.get("adjudicate", False)
        if not isinstance(ruling, bool):
            raise DecisionError("field 'adjudicate' must be true or false")
        if action == "adjudicate" or ruling:
            if action == "adjudicate" and obj.get("adjudicate") is False:
                raise DecisionError("field 'adjudicate' is false but the action is 'adjudicate': leave the field out")
            choose = (
                _id_field(obj, "choose", "the reviewer whose version stands", " to adjudicate")
                if (action == "adjudicate")
                else None
            )
            states = store.adjudicate_group(
                article, group, choose=choose, action=None if choose else action, label=label, seconds=seconds
            )
            return article, ",".join(str(s["id"]) for s in states), False
        states = store.decide_group(article, group, action, label=label, seconds=seconds)
        return article, ",".join(str(s["id"]) for s in states), action not in ("undo", "redo")
    candidate = _id_field(obj, "candidate", "a candidate id")
    adjudicate = obj.get("adjudicate", False)
    if not isinstance(adjudicate, bool):
        raise DecisionError("field 'adjudicate' must be true or false")
    if action == "adjudicate":
        if obj.get("adjudicate") is False:
            raise DecisionError("field 'adjudicate' is false but the action is 'adjudicate': leave the field out")
        choose = _id_field(obj, "choose", "the reviewer whose version stands", " to adjudicate")
        return article, str(store.adjudicate(article, candidate, choose=choose, seconds=seconds)["id"]), False
    changes = _changes(obj) if action == "edit" else None
    if changes is not None and ("start" in changes or "end" in changes):
        # the content moves: what was worked out for the old one (numbers, hedges, the score) is not
        # this content's — QA found an edit keep the numbers of another sentence. A lead's own version
        # is given as changes to the candidate as extracted, not to the lead's own review of it.
        current = store.extracted(article, candidate) if adjudicate else store.candidate(article, candidate)
        if current.get("kind") == "claim":
            start, end = changes.get("start", current["start"]), changes.get("end", current["end"])
            if (start, end) != (current["start"], current["end"]):
                changes = dict(changes)
                _warn(warnings, derived.fill(store.article(article)["text"], start, end, changes))
    state = store.decide(article, candidate, action, changes=changes, seconds=seconds, adjudicate=adjudicate)
    return article, str(state["id"]), not adjudicate and action not in ("undo", "redo")


def _warn(warnings: list[str], warning: str | None) -> None:
    if warning is not None:
        warnings.append(warning)


def _id_field(obj: dict[str, Any], key: str, what: str, purpose: str = "") -> str:
    """A required string field: missing and mistyped are told apart."""
    value = obj.get(key)
    if value is None or value == "":
        raise DecisionError(f"field '{key}' ({what}) is required{purpose}")
    if not isinstance(value, str):
        raise DecisionError(f"field '{key}' ({what}) must be a string, not {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _changes(obj: dict[str, Any]) -> dict[str, Any]:
    changes = obj.get("changes")
    inline = [k for k in EDIT_FIELDS if k in obj]
    if changes is not None and inline:
        raise DecisionError(
            f"field '{inline[0]}': give an edit's fields either under 'changes' or beside 'action', not both"
        )
    if changes is None:
        changes = {k: obj[k] for k in inline}
    if not isinstance(changes, dict):
        raise DecisionError("field 'changes' must be an object")
    return changes


#: how long ``apply`` keeps trying a line while the store's server cannot be reached (``--wait``)
WAIT = 60.0
#: seconds between its tries
RETRY_EVERY = 1.0


def apply_stream(
    store: ReviewStore,
    stream: IO[bytes],
    out: IO[str],
    *,
    model: str | None = None,
    err: IO[str] | None = None,
    wait: float = WAIT,
) -> int:
    """Apply every line of ``stream`` (bytes); returns how many failed. Stops on a failed write (disk
    full, a lost server...): nothing after that line is applied, and ``err`` is told so in one line
    (QA: a script reading only the exit status and stderr learnt nothing). A server that cannot be
    reached (nothing was saved: :class:`StoreUnavailable`) is tried again every second for up to
    ``wait`` seconds first, as the review screen keeps trying (QA, stop 45: a feed stopped for good
    on a server restart). ``model``: the pipeline that works out the derived fields of a claim whose
    content a line sets (loaded on the first such line)."""
    derived = ClaimFields(model)
    failed = 0
    number = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            break
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            skipped = len(raw)
            while raw and not raw.endswith(b"\n") and skipped <= MAX_SKIP:  # skip the rest of the line
                raw = stream.readline(MAX_LINE)
                skipped += len(raw)
            failed += 1
            if skipped > MAX_SKIP:  # /dev/zero, a binary file: no line ends, and reading it would never stop
                error = f"no line end in the first {MAX_SKIP >> 20} MB: not JSON lines; nothing more is read"
                _emit(out, {"line": number, "ok": False, "error": error})
                break
            _emit(out, {"line": number, "ok": False, "error": f"line longer than {MAX_LINE:,} bytes"})
            continue
        if not raw.strip():
            continue
        deadline: float | None = None
        stop = False
        while True:
            result: dict[str, Any] | None = None
            # QA: a SIGTERM between a decision's save and its result line left it saved and unreported,
            # and a script resuming after the last "ok" applied it twice: an interrupt waits for the line
            with deferred_interrupts():
                if deadline is not None and _saved_unconfirmed(store):
                    # the try the server did not confirm had been saved: not made again (QA, re-test: an
                    # addition saved twice), the store read again instead
                    with contextlib.suppress(StoreError):
                        store.refresh()
                    result = {
                        "line": number,
                        "ok": True,
                        **_named_in(store, raw),
                        "note": "saved by the try the server had not confirmed",
                    }
                    _emit(out, result)
                    if err is not None:
                        err.write(
                            f"newsreview: line {number}: saved (the try before, confirmed late); the store is back\n"
                        )
                        err.flush()
                    break
                try:
                    try:
                        result = {"line": number, "ok": True, **apply_line(store, raw, derived)}
                    except DecisionError:
                        # an article, candidate or group another process made since this one looked (an
                        # article added, a re-extraction, another reviewer's version to adjudicate): look again
                        if not store.refresh():
                            raise
                        result = {"line": number, "ok": True, **apply_line(store, raw, derived)}
                except StoreWriteError as error:
                    now = time.monotonic()
                    if isinstance(error, StoreUnavailable) and wait > 0 and (deadline is None or now < deadline):
                        if deadline is None:  # said once a line; the wait is outside the held interrupts
                            deadline = now + wait
                            if err is not None:
                                err.write(
                                    f"newsreview: line {number}: {clean_line(error)}; trying again for up to "
                                    f"{wait:g} s\n"
                                )
                                err.flush()
                    else:
                        failed += 1
                        _emit(out, {"line": number, "ok": False, "error": str(error)})
                        if err is not None:
                            err.write(
                                f"newsreview: error: line {number}: {clean_line(error)}; no line after it was applied\n"
                            )
                            err.flush()
                        stop = True  # the disk refused: later lines would fail the same way
                except StoreError as error:
                    failed += 1
                    result = {"line": number, "ok": False, "error": str(error)}
                if result is not None:
                    _emit(out, result)
                    if deadline is not None and err is not None and result["ok"]:
                        err.write(f"newsreview: line {number}: saved; the store is back\n")  # (QA: said when)
                        err.flush()
            if result is not None or stop:
                break
            time.sleep(RETRY_EVERY)  # nothing was saved: Ctrl-C here stops at once, losing nothing
        if stop:
            break
    return failed


def _named_in(store: ReviewStore, raw: bytes | str) -> dict[str, str]:
    """The candidate (or group) a line saved by a try the server confirmed late was about, as its
    result line would have named it (QA: that line alone had no ``candidate``): the line's own, or an
    addition's id, which its span and label make. Nothing when the line does not say."""
    with contextlib.suppress(Exception):  # (a line that was saved is well-formed; this only names it)
        obj = loads(raw.rstrip(b"\r\n") if isinstance(raw, bytes) else raw.rstrip("\r\n"))
        if not isinstance(obj, dict):
            return {}
        if isinstance(obj.get("candidate"), str):
            return {"candidate": obj["candidate"]}
        if isinstance(obj.get("group"), str):
            # the mentions this reviewer's versions now show decided as the line asked (re-test, stop
            # 50: a script matching results by "candidate" found none)
            status = {"accept": "accepted", "reject": "rejected", "edit": "edited"}.get(str(obj.get("action")))
            mentions = store.groups(obj["article"]).get(obj["group"], {}).get("mentions", [])
            decided = [cid for cid in mentions if store.candidate(obj["article"], cid).get("status") == status]
            return {"candidate": ",".join(decided), "group": obj["group"]} if decided else {"group": obj["group"]}
        if obj.get("action") == "add":
            from .store.validation import new_candidate

            fields = {k: v for k, v in obj.items() if k not in ("article", "action", "seconds", "candidate")}
            return {"candidate": str(new_candidate(store.article(obj["article"]), fields)["id"])}
    return {}


def _saved_unconfirmed(store: ReviewStore) -> bool:
    """Whether a decision "not saved" because the server did not confirm it was saved after all (a
    server's store; a folder's writes are confirmed or not made)."""
    ask = getattr(store.engine, "unconfirmed_saved", None)
    return bool(ask()) if ask is not None else False


#: the signals that stop a command (Ctrl-C, kill, a dropped connection, kill -QUIT)
INTERRUPTS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT}


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done (a decision saved *and* reported): their
    handlers only note them meanwhile, and the first one noted is handled as the block ends. (Not a
    signal mask: a signal sent to the process goes to any thread that does not block it, and Python
    runs its handler in the main thread all the same.) Signals are handled in the main thread only, so
    elsewhere this does nothing; an ignored signal (nohup) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {}
    for sig in INTERRUPTS:
        handler = signal.getsignal(sig)
        if handler is None or handler == signal.SIG_IGN:
            continue
        previous[sig] = handler
        signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            else:  # SIG_DFL: the default action, now that the handler is back
                signal.raise_signal(caught[0])


def _emit(out: IO[str], result: dict[str, Any]) -> None:
    from .sanitize import json_for

    out.write(json_for(out, orjson.dumps(result).decode("utf-8")) + "\n")
    out.flush()
