"""The review store: articles, the machine's candidates, and every analyst decision.

A store is a folder::

    newsreview.json      TinyDB snapshot: tables _meta, articles (the index), decisions (history)
    journal.jsonl        appended transactions since the snapshot (see journal.py)
    articles/<key>.json  one TinyDB file per article: its text, tokens and machine candidates;
                         written once, atomically, when the article is added
    lock                 held by the one process that writes

Only the journal grows with the number of decisions, and appending to it costs the same at any size.
Current state is derived from the decision history (history.py), kept in memory, updated per decision.
Never imports Textual or spaCy.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from extractors.records import check_offsets, span
from extractors.vocabulary import QUOTE_TYPES

from .history import DECIDED, History, derive
from .journal import (
    JOURNAL,
    SNAPSHOT,
    JournalDB,
    JournalStorage,
    StoreError,
    atomic_write,
    create_snapshot,
    transaction,
)
from .lock import StoreLock, describe_command

COMPACT_LINES = 20_000  # fold the journal into the snapshot at open/close beyond this many lines
SHARD_CACHE = 32


class DecisionError(StoreError):
    """A decision that cannot be applied (unknown candidate, bad fields...). The store is unchanged."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "analyst"


def shard_name(article_id: str) -> str:
    return hashlib.sha1(article_id.encode()).hexdigest()[:16] + ".json"


class ReviewStore:
    """Open with :meth:`open`; use as a context manager; one writer at a time, any number of readers."""

    def __init__(self, folder: Path, *, write: bool, reviewer: str | None):
        self.folder = folder
        self.writable = write
        self.reviewer = reviewer or default_reviewer()
        self._lock = StoreLock(folder) if write else None
        self._shards: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.db: JournalDB | None = None

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        write: bool = False,
        reviewer: str | None = None,
        holder: str | None = None,
    ) -> ReviewStore:
        folder = Path(path).expanduser()
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"{folder} is a file, not a newsreview store folder; pass --store FOLDER")
        if folder.is_dir() and not (folder / SNAPSHOT).exists():
            if any(p.name not in ("lock", JOURNAL) for p in folder.iterdir()):
                raise StoreError(f"{folder}: not a newsreview store (no {SNAPSHOT}) and not empty; use another --store")
        if not (folder / SNAPSHOT).exists():
            if not write:
                raise StoreError(f"no store at {folder} yet: add articles first with 'newsreview add PATH'")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "articles").mkdir(exist_ok=True)
            except OSError as err:
                raise StoreError(f"cannot create store at {folder}: {err.strerror or err}") from None
        store = cls(folder, write=write, reviewer=reviewer)
        if write:
            store._lock.acquire(holder or describe_command())
        try:
            if write and not (folder / SNAPSHOT).exists():
                create_snapshot(folder, {"created": now()})
            store.db = JournalDB(folder, storage=JournalStorage, writable=write)
            store._index()
            if write and store.storage.journal_lines > COMPACT_LINES:
                store.storage.compact()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def storage(self) -> JournalStorage:
        return self.db.storage  # type: ignore[union-attr,return-value]

    def _index(self) -> None:
        self._articles: dict[str, dict[str, Any]] = {}
        self._by_sha: dict[str, str] = {}
        for doc in sorted(self.db.table("articles").all(), key=lambda d: d.doc_id):
            self._articles[doc["id"]] = dict(doc)
            self._by_sha[doc["text_sha"]] = doc["id"]
        self._hist: dict[str, dict[str, History]] = {}
        self._added: dict[str, dict[str, dict[str, Any]]] = {}
        self._status: dict[str, dict[str, tuple[str, str]]] = {}  # article -> cand -> (kind, status)
        self._last_activity = max((a["added_at"] for a in self._articles.values()), default=None)
        # kept up to date by _fold and add_article, so progress() and totals() cost nothing per keypress
        self._progress: dict[str, list[int]] = {}  # article -> [decided, analyst additions alive]
        self._totals = [0, sum(a["counts"]["entity"] + a["counts"]["claim"] for a in self._articles.values())]
        self._seq = 0
        records = sorted(self.db.table("decisions").all(), key=lambda d: d["seq"])
        for record in records:
            self._fold(dict(record))

    def _fold(self, record: dict[str, Any]) -> None:
        aid, cid = record["article"], record["candidate"]
        hist = self._hist.setdefault(aid, {}).setdefault(cid, History())
        hist.fold(record)
        if record["action"] == "add":
            self._added.setdefault(aid, {})[cid] = record["added"]
        self._seq = max(self._seq, record["seq"])
        self._last_activity = record["at"]
        # only the status matters here: an analyst's addition has no original (None once undone)
        added = cid in self._added.get(aid, {})
        state = derive(None if added else {"origin": "model"}, hist)
        status = state["status"] if state else None
        statuses = self._status.setdefault(aid, {})
        old = statuses.get(cid, (None, "pending" if not added else None))[1]
        if status is None:
            statuses.pop(cid, None)
        else:
            statuses[cid] = (record["kind"], status)
        decided = (status in DECIDED) - (old in DECIDED)
        alive = ((status is not None) - (old is not None)) if added else 0
        progress = self._progress.setdefault(aid, [0, 0])
        progress[0] += decided
        progress[1] += alive
        self._totals[0] += decided
        self._totals[1] += alive

    def close(self) -> None:
        if self.db is not None:
            try:
                if self.writable and self.storage.journal_lines > COMPACT_LINES:
                    self.storage.compact()
            finally:
                self.db.close()
                self.db = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ----------------------------------------------------------------------------------

    def article_ids(self) -> list[str]:
        return list(self._articles)

    def article_info(self, article_id: str) -> dict[str, Any]:
        try:
            return self._articles[article_id]
        except KeyError:
            raise DecisionError(f"unknown article '{article_id}'") from None

    def article(self, article_id: str) -> dict[str, Any]:
        """The full article: the index row plus text and tokens."""
        return {**self.article_info(article_id), **self._shard(article_id)["article"]}

    def _shard(self, article_id: str) -> dict[str, Any]:
        shard = self._shards.get(article_id)
        if shard is not None:
            self._shards.move_to_end(article_id)
            return shard
        info = self.article_info(article_id)
        path = self.folder / "articles" / info["shard"]
        try:
            with TinyDB(path, storage=JSONStorage, access_mode="r") as db:
                article = db.table("article").get(doc_id=1)
                cands = db.table("candidates").all()
        except FileNotFoundError:
            raise StoreError(f"{path} is missing: the store is damaged (article '{article_id}')") from None
        except (ValueError, json.JSONDecodeError) as err:
            raise StoreError(f"{path} is damaged ({err}); restore it from a backup") from None
        shard = {"article": dict(article), "candidates": {c["id"]: dict(c) for c in cands}}
        self._shards[article_id] = shard
        if len(self._shards) > SHARD_CACHE:
            self._shards.popitem(last=False)
        return shard

    def find_duplicate(self, text_sha: str) -> str | None:
        return self._by_sha.get(text_sha)

    def add_article(self, extraction: Any) -> tuple[str, str]:
        """Store an extracted article. Returns ("added" | "duplicate", article id). Same text = duplicate."""
        self._need_write()
        article = extraction.article
        sha = article.text_sha
        if sha in self._by_sha:
            return "duplicate", self._by_sha[sha]
        if article.id in self._articles:
            raise DecisionError(
                f"{article.path}: id '{article.id}' is already used by a different article in the store"
            )
        cands = extraction.entities + extraction.claims
        for cand in cands:
            check_offsets(article.text, cand)
        shard = shard_name(article.id)
        body = {
            "id": article.id,
            "title": article.title,
            "text": article.text,
            "tokens": [list(t) for t in extraction.tokens],
        }
        data = {"article": {"1": body}, "candidates": {str(i): c for i, c in enumerate(cands, 1)}}
        atomic_write(self.folder / "articles" / shard, json.dumps(data, ensure_ascii=False))
        row = {
            "id": article.id,
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "published": article.published,
            "meta": article.meta,
            "path": article.path,
            "text_sha": sha,
            "chars": len(article.text),
            "words": len(article.text.split()),
            "shard": shard,
            "counts": {"entity": len(extraction.entities), "claim": len(extraction.claims)},
            "model": next((c["model"] for c in cands if c.get("model")), None),
            "added_at": now(),
            "added_by": self.reviewer,
        }
        self.db.table("articles").insert(row)
        self._articles[article.id] = row
        self._totals[1] += len(cands)
        self._by_sha[sha] = article.id
        self._last_activity = row["added_at"]
        return "added", article.id

    # -- candidates --------------------------------------------------------------------------------

    def candidates(self, article_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Every candidate of an article as it stands now, in article order."""
        originals = self._shard(article_id)["candidates"]
        hists = self._hist.get(article_id, {})
        out = []
        for cid, cand in originals.items():
            out.append(derive(cand, hists.get(cid)))
        for cid in self._added.get(article_id, {}):
            state = derive(None, hists.get(cid))
            if state is not None:
                out.append(state)
        if kind:
            out = [c for c in out if c["kind"] == kind]
        out.sort(key=lambda c: (c["start"], c["end"], c["kind"], c["id"]))
        return out

    def candidate(self, article_id: str, cand_id: str) -> dict[str, Any]:
        hist = self._hist.get(article_id, {}).get(cand_id)
        original = self._shard(article_id)["candidates"].get(cand_id)
        if original is None and cand_id not in self._added.get(article_id, {}):
            raise DecisionError(f"unknown candidate '{cand_id}' in article '{article_id}'")
        state = derive(original, hist)
        if state is None:
            raise DecisionError(f"candidate '{cand_id}' was added and then undone")
        return state

    def history(self, article_id: str, cand_id: str) -> list[dict[str, Any]]:
        hist = self._hist.get(article_id, {}).get(cand_id)
        return list(hist.records) if hist else []

    def progress(self, article_id: str) -> tuple[int, int]:
        """(decided, total) candidates of one article; analyst additions count, undone ones do not."""
        info = self.article_info(article_id)
        decided, added = self._progress.get(article_id, (0, 0))
        return decided, info["counts"]["entity"] + info["counts"]["claim"] + added

    def totals(self) -> tuple[int, int]:
        return self._totals[0], self._totals[1]

    def next_pending_article(self, after: str | None = None) -> str | None:
        ids = self.article_ids()
        start = ids.index(after) + 1 if after in ids else 0
        for aid in ids[start:] + ids[:start]:
            decided, total = self.progress(aid)
            if decided < total:
                return aid
        return None

    # -- decisions ---------------------------------------------------------------------------------

    def _need_write(self) -> None:
        if not self.writable or self.db is None:
            raise StoreError(f"{self.folder}: the store is open read-only")

    def decide(
        self,
        article_id: str,
        cand_id: str,
        action: str,
        *,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """accept | reject | edit (with ``changes``) | undo | redo one candidate; durable on return."""
        return self.decide_many(article_id, [(cand_id, action, changes)], seconds=seconds)[0]

    def add_candidate(self, article_id: str, fields: dict[str, Any], *, seconds: float | None = None) -> dict[str, Any]:
        """The analyst's own candidate: ``kind``, ``start``, ``end``, ``label`` (entities) or claim fields."""
        self._need_write()
        cand = self._new_candidate(article_id, fields)
        record = self._record(article_id, cand["id"], cand["kind"], "add", seconds=seconds, batch=None)
        record["before"] = None
        record["after"] = {"status": "added"}
        record["added"] = cand
        self._commit([record])
        return self.candidate(article_id, cand["id"])

    def decide_many(
        self, article_id: str, items: Iterable[tuple[str, str, dict[str, Any] | None]], *, seconds: float | None = None
    ) -> list[dict[str, Any]]:
        """Several decisions as one durable transaction and one undo step (a batch)."""
        self._need_write()
        items = list(items)
        batch = uuid.uuid4().hex[:12] if len(items) > 1 else None
        records = []
        pending: dict[str, History] = {}
        for cand_id, action, changes in items:
            state = self.candidate_or_added(article_id, cand_id)
            hist = pending.get(cand_id) or self._hist.get(article_id, {}).get(cand_id) or History()
            records.append(self._decision(article_id, state, hist, action, changes, seconds, batch))
        self._commit(records)
        return [self.candidate_or_added(article_id, r["candidate"]) for r in records]

    def _decision(
        self,
        aid: str,
        state: dict[str, Any],
        hist: History,
        action: str,
        changes: dict[str, Any] | None,
        seconds: float | None,
        batch: str | None,
    ) -> dict[str, Any]:
        if action not in ("accept", "reject", "edit", "undo", "redo"):
            raise DecisionError(f"unknown action '{action}' (use accept, reject, edit, add, undo, redo)")
        problem = hist.check(action)
        if state["status"] == "removed" and action != "redo":
            problem = f"candidate '{state['id']}' was added and then undone: redo it first"
        if problem:
            raise DecisionError(problem)
        record = self._record(aid, state["id"], state["kind"], action, seconds=seconds, batch=batch)
        record["before"] = {"status": state["status"]}
        if action == "edit":
            clean = self._validate_changes(aid, state, changes or {})
            record["changes"] = clean
            record["before"].update({k: state.get(k) for k in clean})
            record["after"] = {"status": "added" if state.get("origin") == "analyst" else "edited", **clean}
        elif action in ("undo", "redo"):
            target = hist.applied[-1] if action == "undo" else hist.undone[-1][0]
            record["target"] = target["id"]
            record["after"] = {"status": "(previous)" if action == "undo" else target["after"]["status"]}
        else:
            status = (
                "rejected"
                if action == "reject"
                else (
                    "added" if state.get("origin") == "analyst" else ("edited" if state.get("original") else "accepted")
                )
            )
            record["after"] = {"status": status}
        return record

    def _record(
        self, aid: str, cid: str, kind: str, action: str, *, seconds: float | None, batch: str | None
    ) -> dict[str, Any]:
        return {
            "id": "d-" + uuid.uuid4().hex[:16],
            "seq": 0,
            "article": aid,
            "candidate": cid,
            "kind": kind,
            "action": action,
            "reviewer": self.reviewer,
            "at": now(),
            "seconds": round(seconds, 3) if seconds is not None else None,
            "batch": batch,
        }

    def _commit(self, records: list[dict[str, Any]]) -> None:
        for i, record in enumerate(records, 1):
            record["seq"] = self._seq + i
        transaction(self.db, [("decisions", r) for r in records])
        for record in records:
            self._fold(record)

    # -- global undo / redo (the app's u / U) ---------------------------------------------------------

    def undo_last(self, reviewer: str | None = None) -> list[tuple[str, str]]:
        """Undo the latest decision step (a whole batch if it was one). Returns the (article, candidate)s."""
        return self._step("undo", reviewer)

    def redo_last(self, reviewer: str | None = None) -> list[tuple[str, str]]:
        return self._step("redo", reviewer)

    def _step(self, action: str, reviewer: str | None) -> list[tuple[str, str]]:
        self._need_write()
        who = reviewer or self.reviewer
        best: tuple[int, dict[str, Any]] | None = None
        tops: list[tuple[str, str, dict[str, Any]]] = []
        for aid, hists in self._hist.items():
            for cid, hist in hists.items():
                if action == "undo" and hist.applied:
                    top, seq = hist.applied[-1], hist.applied[-1]["seq"]
                elif action == "redo" and hist.undone:
                    top, seq = hist.undone[-1][1], hist.undone[-1][1]["seq"]
                else:
                    continue
                if top["reviewer"] != who:
                    continue
                tops.append((aid, cid, top))
                if best is None or seq > best[0]:
                    best = (seq, top)
        if best is None:
            return []
        _, chosen = best
        group = [(a, c) for a, c, top in tops if top is chosen or (chosen["batch"] and top["batch"] == chosen["batch"])]
        by_article: dict[str, list[tuple[str, str, None]]] = {}
        for aid, cid in group:
            by_article.setdefault(aid, []).append((cid, action, None))
        records = []
        batch = uuid.uuid4().hex[:12] if len(group) > 1 else None
        for aid, items in by_article.items():
            for cid, act, _ in items:
                hist = self._hist[aid][cid]
                records.append(self._decision(aid, self.candidate_or_added(aid, cid), hist, act, None, None, batch))
        self._commit(records)
        return group

    def candidate_or_added(self, aid: str, cid: str) -> dict[str, Any]:
        """Like :meth:`candidate`, but an analyst's addition that was undone comes back with status
        "removed" (so it can be redone) instead of raising."""
        if cid in self._added.get(aid, {}):
            state = derive(None, self._hist.get(aid, {}).get(cid))
            return state if state is not None else {**self._added[aid][cid], "status": "removed"}
        return self.candidate(aid, cid)

    # -- validation --------------------------------------------------------------------------------

    def _new_candidate(self, aid: str, fields: dict[str, Any]) -> dict[str, Any]:
        from extractors.records import claim_candidate, entity_candidate

        text = self.article(aid)["text"]
        kind = fields.get("kind")
        if kind not in ("entity", "claim"):
            raise DecisionError("field 'kind' must be 'entity' or 'claim'")
        start, end = self._offsets(text, fields.get("start"), fields.get("end"), "")
        if kind == "entity":
            label = fields.get("label")
            if not isinstance(label, str) or not label.strip():
                raise DecisionError("field 'label' is required for an entity (e.g. PERSON)")
            ts, te = self._token_range(aid, start, end)
            cand = entity_candidate(
                text, aid, start, end, label.strip(), token_start=ts, token_end=te, origin="analyst"
            )
        else:
            extra = self._claim_fields(text, fields)
            cand = claim_candidate(text, aid, start, end, origin="analyst", **extra)
        hist = self._hist.get(aid, {}).get(cand["id"])
        if cand["id"] in self._shard(aid)["candidates"] or (hist and derive(None, hist) is not None):
            raise DecisionError(f"that {kind} already exists as '{cand['id']}': accept or edit it instead")
        return cand

    def _offsets(self, text: str, start: Any, end: Any, prefix: str) -> tuple[int, int]:
        name = prefix + "start"
        for key, value in ((prefix + "start", start), (prefix + "end", end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise DecisionError(f"field '{key}' must be an integer")
        if not 0 <= start < end <= len(text):
            raise DecisionError(f"field '{name}': span {start}..{end} is outside the text (length {len(text)})")
        if not text[start:end].strip():
            raise DecisionError(f"field '{name}': span {start}..{end} is only whitespace")
        return start, end

    def _token_range(self, aid: str, start: int, end: int) -> tuple[int | None, int | None]:
        tokens = self._shard(aid)["article"].get("tokens") or []
        ts = next((i for i, (s, e) in enumerate(tokens) if e > start), None)
        te = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end), None)
        if ts is None or te is None or te < ts:
            return None, None
        return ts, te + 1

    def _claim_fields(self, text: str, fields: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for role in ("speaker", "cue"):
            if role in fields:
                ref = fields[role]
                if ref is None:
                    out[role] = None
                elif isinstance(ref, dict):
                    s, e = self._offsets(text, ref.get("start"), ref.get("end"), f"{role}.")
                    out[role] = span(text, s, e)
                    for extra in ("entity_id", "name"):
                        if role == "speaker" and isinstance(ref.get(extra), str):
                            out[role][extra] = ref[extra]
                else:
                    raise DecisionError(f"field '{role}' must be an object with start and end, or null")
        if "quote_type" in fields:
            if fields["quote_type"] not in QUOTE_TYPES:
                raise DecisionError(f"field 'quote_type' must be one of {', '.join(QUOTE_TYPES)}")
            out["quote_type"] = fields["quote_type"]
        if "checkworthiness" in fields:
            cw = fields["checkworthiness"]
            if not isinstance(cw, (int, float)) or isinstance(cw, bool) or not 0 <= cw <= 1:
                raise DecisionError("field 'checkworthiness' must be a number from 0 to 1")
            out["checkworthiness"] = float(cw)
        return out

    def _validate_changes(self, aid: str, state: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(changes, dict) or not changes:
            raise DecisionError("an edit needs changed fields (label, start/end, or claim fields)")
        allowed = (
            {"label", "start", "end"}
            if state["kind"] == "entity"
            else {"start", "end", "speaker", "cue", "quote_type", "checkworthiness"}
        )
        unknown = set(changes) - allowed
        if unknown:
            raise DecisionError(f"field '{sorted(unknown)[0]}' cannot be edited on a {state['kind']}")
        text = self.article(aid)["text"]
        clean: dict[str, Any] = {}
        if "start" in changes or "end" in changes:
            s, e = self._offsets(text, changes.get("start", state["start"]), changes.get("end", state["end"]), "")
            clean.update(start=s, end=e, text=text[s:e])
            if state["kind"] == "entity":
                clean["token_start"], clean["token_end"] = self._token_range(aid, s, e)
        if "label" in changes:
            if not isinstance(changes["label"], str) or not changes["label"].strip():
                raise DecisionError("field 'label' must be a non-empty string")
            clean["label"] = changes["label"].strip()
        if state["kind"] == "claim":
            clean.update(self._claim_fields(text, changes))
        clean = {k: v for k, v in clean.items() if state.get(k) != v}
        if not clean:
            raise DecisionError("the edit changes nothing")
        return clean

    # -- summary -----------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, dict[str, int]] = {"entity": {}, "claim": {}}
        reviewers: dict[str, int] = {}
        for aid, info in self._articles.items():
            added = self._added.get(aid, {})
            for kind in by_kind:
                by_kind[kind]["pending"] = by_kind[kind].get("pending", 0) + info["counts"][kind]
            for cid, (kind, status) in self._status.get(aid, {}).items():
                if cid not in added:
                    by_kind[kind]["pending"] -= 1  # counted as pending above; its status says otherwise
                by_kind[kind][status] = by_kind[kind].get(status, 0) + 1
        for hists in self._hist.values():
            for hist in hists.values():
                for record in hist.records:
                    reviewers[record["reviewer"]] = reviewers.get(record["reviewer"], 0) + 1
        size = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())
        decided, total = self.totals()
        return {
            "path": str(self.folder),
            "size": size,
            "articles": len(self._articles),
            "candidates": by_kind,
            "decided": decided,
            "total": total,
            "reviewers": reviewers,
            "last_activity": self._last_activity,
            "decisions": self._seq,
        }
