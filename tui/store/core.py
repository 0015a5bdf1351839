"""The review store's state in memory, and the candidates as each view sees them.

:class:`StoreCore` holds what the engine delivered — the article index and every reviewer's decision
records — and folds the records of an article into each candidate's histories the first time the
article is needed; :meth:`StoreCore.candidates` derives each candidate's state from them, per reviewer
or in the desk's final view. The rest of :class:`~tui.store.store.ReviewStore` is built on it, one
module per job: ``intake`` (articles in), ``deciding`` (decisions, adjudication, undo), ``team`` (the
desk's reviewers, assignments, leads and settings), ``summaries`` (progress and the cached per-article
summaries), ``learning`` (the desk memory and the check-worthiness correction). Never imports Textual
or spaCy.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from extractors.records import check_offsets
from extractors.vocabulary import DECIDED

from ..sanitize import clean_line
from . import progress, views
from .assign import Assignments
from .clock import now
from .engine import Engine, Mode
from .errors import DecisionError, StoreDamaged, StoreWriteError
from .history import History
from .memory import Memory
from .views import ADJUDICATION, REVIEW, Key

if TYPE_CHECKING:
    from .correction import DeskCorrection

CLAIM_KEY = "*claim"  # the scope key of claims (entities are keyed by label)


def is_proposal(value: object) -> TypeGuard[dict[str, Any]]:
    """Whether a record's "proposed" is a proposal as the store makes them (an entity with its span,
    text and label): anything else in a journal is ignored, not trusted."""
    return (
        isinstance(value, dict)
        and value.get("kind") == "entity"
        and isinstance(value.get("id"), str)
        and all(isinstance(value.get(k), int) and not isinstance(value.get(k), bool) for k in ("start", "end"))
        and isinstance(value.get("text"), str)
        and isinstance(value.get("label"), str)
    )


def scope_key(cand: dict[str, Any]) -> str:
    return CLAIM_KEY if cand["kind"] == "claim" else str(cand["label"])


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Many small dicts at once: the collector's scans would double the time it takes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Changes:
    """What :meth:`StoreCore.refresh` found that other processes did."""

    articles: list[str] = field(default_factory=list)  # added by others
    decided: dict[str, set[str]] = field(default_factory=dict)  # article -> candidates others decided on
    index: bool = False  # assignments, settings... changed
    extracted: list[str] = field(default_factory=list)  # articles re-extracted by others

    def __bool__(self) -> bool:
        return bool(self.articles or self.decided or self.index or self.extracted)


class StoreCore:
    """The state every part of the store reads; see the module's docstring."""

    if TYPE_CHECKING:  # the other parts' methods the core calls (defined in their modules)

        def _count(self, aid: str) -> tuple[int, int]: ...
        @property
        def suggestions(self) -> bool: ...
        @property
        def labels(self) -> list[str] | None: ...
        @property
        def leads(self) -> list[str] | None: ...
        def in_scope(self, cand: dict[str, Any]) -> bool: ...
        def need_lead(self, what: str) -> None: ...
        def is_lead(self, name: str | None = None) -> bool: ...
        def memory(self) -> Memory: ...
        def proposals(self, article_id: str) -> dict[str, dict[str, Any]]: ...

    def __init__(self, engine: Engine, *, mode: Mode, reviewer: str) -> None:
        self.engine = engine
        self.mode = mode
        self.reviewer = reviewer
        self.notices = engine.notices
        self._articles: dict[str, dict[str, Any]] = {}
        self._by_sha: dict[str, str] = {}
        self._removed: dict[str, dict[str, Any]] = {}
        self._added: dict[str, dict[str, dict[str, Any]]] = {}  # article -> cid -> the first addition
        self._added_at: dict[tuple[str, str], str] = {}
        # article -> cid -> a proposal of the desk's vocabulary as it was when decided on (the record's
        # "proposed"): what it was does not hang on what the vocabulary proposes today
        self._proposed: dict[str, dict[str, dict[str, Any]]] = {}
        self._reviews: dict[str, dict[str, dict[Key, History]]] = {}
        self._alive: dict[str, dict[str, int]] = defaultdict(dict)  # article -> cid -> reviewers with it added
        self._records: dict[str, dict[str, Any]] = {}  # decision id -> record (folded articles)
        self._added_latest: str | None = None  # the latest time an article was added
        self._log: Any = None  # the engine's decisions, read by article on demand
        self._touched: dict[str, set[str]] = {}  # article -> reviewers with decisions on it
        self._folded: set[str] = set()  # articles whose decisions are folded into histories
        self._entries: dict[str, dict[str, Any]] = {}  # article -> cached summary (not folded yet)
        self._log_changed = False
        self._label_counts: dict[str, dict[str, int]] = {}
        self._memory: Memory | None = None
        self._facts: dict[str, list[Any]] = {}  # article -> its facts, as folded into the memory
        self._facts_stale: set[str] = set()
        self._proposals: dict[str, dict[str, dict[str, Any]]] = {}  # article -> proposed candidates
        self._extractions: dict[str, dict[str, Any]] = {}  # article -> its latest re-extraction record
        self._reextracted: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # article -> (record, file)
        self._extraction_log: dict[str, list[dict[str, Any]]] = {}  # article -> its re-extraction records, in order
        self._pools: dict[str, dict[str, dict[str, Any]]] = {}  # article -> every candidate any extraction had
        # article -> (decided by me — or in the final view, for a reader —, total), and the sums
        self._counts = progress.Tally(self._count, lambda aid: aid in self._articles)
        self._folded_entries: dict[str, dict[str, Any]] = {}  # article -> its summary, from its histories
        self._entry_parts: dict[str, dict[str, progress.Part]] = {}  # article -> each decided candidate's share of it
        self._stale_parts: dict[str, set[str]] = {}  # article -> candidates whose share changed since
        # article -> this reviewer's view of its entities and claims by span (deciding.Twins), and the
        # candidates changed since it was read: kept between decisions, each change read again alone
        self._twin_views: dict[str, Any] = {}  # (deciding.TwinView: core does not import it)
        self._twin_stale: dict[str, set[str]] = {}
        self.assignments = Assignments(self._clock_offset)
        self.settings: dict[str, Any] = {}
        self._desk: DeskCorrection | None = None  # made, and learnt, when a claim list first asks
        self._held: Changes | None = None  # what a refresh(hold=True) folded in: the next refresh says it

    @property
    def folder(self) -> Path:
        """Where files that go beside the store are written (the app's export.json): the store's folder,
        or for a store in a database server the current directory."""
        folder = getattr(self.engine, "folder", None)
        return Path.cwd() if folder is None else Path(folder)

    @property
    def location(self) -> str:
        return self.engine.location

    @property
    def address(self) -> str:
        """Where a child process opens this store (the folder's absolute path, or the whole URL,
        password included): for its environment, never to be shown."""
        url = getattr(self.engine, "url", None)
        return str(url) if url is not None else os.path.abspath(self.folder)

    @property
    def writable(self) -> bool:
        return self.mode == "review"

    def _ensure(self, aid: str) -> None:
        """Fold every decision on one article into histories, the first time the article is needed."""
        if aid in self._folded:
            return
        self._folded.add(aid)
        self._entries.pop(aid, None)
        with no_gc():
            for record in self._log.records(aid):
                self._fold(record)

    def refresh(self, *, hold: bool = False) -> Changes:
        """Fold in what other processes wrote since the last look (other reviewers' decisions, articles
        added elsewhere, assignments). Cheap when nothing changed: the app calls it a few times a second.
        ``hold``: for a look of the store's own (before a write that must see the latest), whose
        changes the next plain refresh still reports — the app repaints from what refresh returns."""
        index, decisions = self.engine.poll()
        changes, self._held = self._held or Changes(), None
        for table, doc in index:
            self._fold_index(table, doc)
            if table == "articles":
                changes.articles.append(doc["id"])
            elif table == "extractions":
                changes.extracted.append(doc["article"])
            else:
                changes.index = True
        for record in decisions:
            aid, who = record["article"], record["reviewer"]
            self._touched.setdefault(aid, set()).add(who)
            self.assignments.started(aid, who)
            self._changed(aid)
            self._log_changed = True
            if aid in self._folded:
                if record["id"] in self._records:
                    continue
                self._fold(record)
            else:
                self._entries.pop(aid, None)  # folded from the journals when next needed
            changes.decided.setdefault(aid, set()).add(record["candidate"])
        if hold:
            self._held = changes
        return changes

    def _fold_index(self, table: str, doc: dict[str, Any]) -> None:
        if table == "articles":
            aid = doc["id"]
            if aid in self._articles:
                return  # indexed twice (two processes raced to repair an orphan): the first one counts
            self._articles[aid] = doc
            self._by_sha[doc["text_sha"]] = aid
            self._removed.pop(aid, None)
            self._changed(aid)
            self._added_latest = max(self._added_latest or "", doc.get("added_at") or "") or None
        elif table == "removed":
            aid = doc["article"]
            row = self._articles.pop(aid, None)
            for held in (self._extractions, self._reextracted, self._extraction_log, self._pools):
                held.pop(aid, None)  # the same text added again starts from its own extraction
            if row is not None:
                self._removed[aid] = doc
                self._by_sha.pop(row["text_sha"], None)
                self._counts.drop(aid)
        elif table == "extractions":
            aid = doc["article"]
            row = self._articles.get(aid)
            if row is None:
                return
            self._extraction_log.setdefault(aid, []).append(doc)
            self._pools.pop(aid, None)
            self._extractions[aid] = doc
            self._articles[aid] = {
                **row,
                "counts": doc["counts"],
                "labels": doc["labels"],
                "model": doc.get("model"),
                "extraction": doc["id"],
            }
            self._reextracted.pop(aid, None)
            self._label_counts.pop(aid, None)
            self._entries.pop(aid, None)
            self._proposals.pop(aid, None)
            self._facts_stale.add(aid)
            self._changed(aid)
        elif table in ("assignments", "takes"):
            self.assignments.fold(table, doc)
        elif table == "settings":
            self.settings[doc["key"]] = doc.get("value")
            if doc["key"] == "labels":
                self._counts.mark_all(self._articles)  # what counts has changed

    def _role(self, record: dict[str, Any]) -> str:
        if record["action"] == "adjudicate" or record.get("role") == ADJUDICATION:
            return ADJUDICATION
        return REVIEW

    def _fold(self, record: dict[str, Any]) -> None:
        aid, cid, who = record["article"], record["candidate"], record["reviewer"]
        key = (who, self._role(record))
        hists = self._reviews.setdefault(aid, {}).setdefault(cid, {})
        hist = hists.get(key)
        if hist is None:
            hist = hists[key] = History()
        was_alive = hist.alive_addition
        hist.fold(record)
        if record["action"] == "add":
            first = self._added_at.get((aid, cid))
            if first is None or record["at"] < first:
                self._added.setdefault(aid, {})[cid] = record["added"]
                self._added_at[(aid, cid)] = record["at"]
        proposed = record.get("proposed")
        if is_proposal(proposed) and proposed["id"] == cid and cid not in self._proposed.get(aid, {}):
            # (what was proposed, not what was suggested then: QA, a rejected proposal kept its "add")
            self._proposed.setdefault(aid, {})[cid] = {k: v for k, v in proposed.items() if k != "suggestion"}
        if hist.alive_addition != was_alive:
            alive = self._alive[aid]
            alive[cid] = alive.get(cid, 0) + (1 if hist.alive_addition else -1)
        self._records[record["id"]] = record
        self._changed(aid, cid)
        self._proposals.pop(aid, None)
        if self._memory is not None:
            self._facts_stale.add(aid)

    def _changed(self, aid: str, cid: str | None = None) -> None:
        """Something that counts changed on an article (on one of its candidates, when ``cid`` is
        given): its figures are worked out again when asked — for one candidate, only its share."""
        self._counts.mark(aid)
        if cid is not None and aid in self._twin_views:
            self._twin_stale.setdefault(aid, set()).add(cid)
        elif cid is None:
            self._twin_views.pop(aid, None)
            self._twin_stale.pop(aid, None)
        if cid is not None and aid in self._entry_parts:
            self._stale_parts.setdefault(aid, set()).add(cid)
            return
        self._folded_entries.pop(aid, None)
        self._entry_parts.pop(aid, None)
        self._stale_parts.pop(aid, None)

    def article_ids(self) -> list[str]:
        return list(self._articles)

    def article_info(self, article_id: str) -> dict[str, Any]:
        try:
            return self._articles[article_id]
        except KeyError:
            raise DecisionError(f"unknown article '{clean_line(article_id, 80)}'") from None

    def _file(self, article_id: str) -> dict[str, Any]:
        body = self.engine.read_article(self.article_info(article_id))
        latest = self._extractions.get(article_id)
        if latest is None:
            return body
        done = self._reextracted.get(article_id)
        if done is not None and done[0] is latest:
            return done[1]
        text = body["article"]["text"]
        cands = {}
        for cand in self._listed(article_id, latest, body):
            try:
                check_offsets(text, cand)
            except (ValueError, KeyError, TypeError) as err:
                raise StoreDamaged(
                    f"damaged: the re-extraction of article '{clean_line(article_id, 80)}' ({self.location}) has a "
                    f"candidate that does not fit the text ({clean_line(err, 120)})"
                ) from None
            cands[cand["id"]] = cand
        file = {"article": body["article"], "candidates": cands}
        self._reextracted[article_id] = (latest, file)
        return file

    def _pool(self, aid: str, body: dict[str, Any] | None = None, upto: int | None = None) -> dict[str, dict[str, Any]]:
        """Every candidate the article's extractions have had, by id — the file ``add`` wrote, then
        each re-extraction record's own candidates (the first ``upto`` records only, if given), a
        later one's version of an id winning."""
        pool = self._pools.get(aid) if upto is None else None
        if pool is None:
            if body is None:
                body = self.engine.read_article(self.article_info(aid))
            pool = dict(body["candidates"])
            for doc in self._extraction_log.get(aid, [])[:upto]:
                pool.update((c["id"], c) for c in doc["candidates"])
            if upto is None:
                self._pools[aid] = pool
        return pool

    def _listed(self, aid: str, doc: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
        """The candidates of a re-extraction record. A record lists the ids of all of them (``ids``)
        and holds only those that the extractions its writer knew of (the first ``base`` records of
        the article, in index order) did not have as they are; an older record holds them all."""
        if "ids" not in doc:
            return list(doc["candidates"])
        pool = {**self._pool(aid, body, upto=int(doc.get("base", 0))), **{c["id"]: c for c in doc["candidates"]}}
        try:
            return [pool[cid] for cid in doc["ids"]]
        except KeyError as err:
            raise StoreDamaged(
                f"damaged: a re-extraction of article '{clean_line(aid, 80)}' ({self.location}) lists candidate "
                f"{clean_line(err.args[0], 40)} that no extraction of it holds; run 'newsreview doctor'"
            ) from None

    def _extraction_no(self, aid: str) -> int | str:
        """Which extraction the article's candidates are: 0 for the one ``add`` stored, else the id of
        the latest re-extraction record (what cached summaries are checked against)."""
        row = self._articles.get(aid)
        return row.get("extraction", 0) if row is not None else 0

    def article(self, article_id: str) -> dict[str, Any]:
        """The full article: the index row plus text and tokens (StoreDamaged if its file is)."""
        body = self._file(article_id)["article"]
        return {**self.article_info(article_id), "text": body["text"], "tokens": body.get("tokens") or []}

    def prefetch(self, article_ids: list[str]) -> None:
        """A hint that these articles are read next, in order (an export): an engine that pays a round
        trip per read (PostgreSQL) reads them ahead in bulk; the folder engine has nothing to do."""
        ahead = getattr(self.engine, "prefetch", None)
        if ahead is not None:
            ahead([self._articles[a] for a in article_ids if a in self._articles and a not in self._folded])

    def find_duplicate(self, text_sha: str) -> str | None:
        return self._by_sha.get(text_sha)

    def _base(self, aid: str, cid: str, originals: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        found = originals.get(cid)
        if found is None:
            added = self._added.get(aid, {}).get(cid)
            proposal = self._proposed.get(aid, {}).get(cid) or self._proposals.get(aid, {}).get(cid)
            # an addition taken back whose string the desk still proposes there is that proposal again
            # (QA: an undone addition listed as the analyst's, pending, counted by the export only)
            undone = added is not None and self._alive.get(aid, {}).get(cid, 0) <= 0
            found = (proposal or added) if undone else (added or proposal)
        if found is None and aid in self._extractions and cid in self._reviews.get(aid, {}):
            found = self._superseded(aid).get(cid)  # decided on before a re-extraction dropped it
        return found

    def _superseded(self, aid: str) -> dict[str, dict[str, Any]]:
        """The candidates of the article's earlier extractions (the file ``add`` wrote included): a
        decision made on one while another process re-extracted keeps its candidate."""
        return self._pool(aid)

    def _orphans(self, aid: str, originals: dict[str, dict[str, Any]]) -> list[str]:
        """Candidates with decisions that the latest extraction no longer lists (see :meth:`_superseded`)."""
        if aid not in self._extractions:
            return []
        added = self._added.get(aid, {})
        return [
            cid
            for cid, hists in self._reviews.get(aid, {}).items()
            if cid not in originals and cid not in added and views.standing(hists)
        ]

    def _a_proposal(self, aid: str, cid: str) -> bool:
        """Whether ``cid`` is a proposal of the desk's vocabulary (decided on, or proposed now): one
        accepted and taken back is a proposal again, to decide as any other (QA: "was added and then
        undone: redo it first" to reject it)."""
        return cid in self._proposed.get(aid, {}) or cid in self.proposals(aid)

    def decided_proposals(self, aid: str) -> dict[str, dict[str, Any]]:
        """Proposals of the desk's vocabulary that a decision still stands on, as they were proposed:
        listed and counted (decided, and in the total) whether or not the vocabulary proposes them
        today (QA: a rejected proposal counted as decided but not in the total — "3/2 decided here" —
        and only while a cache of today's proposals happened to hold it)."""
        # (one someone accepted is an addition while that stands: counted as one — QA re-test: one
        # accepted and taken back hid another reviewer's rejection of it)
        alive, reviews = self._alive.get(aid, {}), self._reviews.get(aid, {})
        return {
            cid: base
            for cid, base in self._proposed.get(aid, {}).items()
            if alive.get(cid, 0) <= 0 and cid in reviews and views.standing(reviews[cid])
        }

    def _alive_ids(self, aid: str) -> list[str]:
        return [cid for cid, n in self._alive.get(aid, {}).items() if n > 0]

    def candidates(
        self, article_id: str, kind: str | None = None, *, view: str | None = None, plain: bool = False
    ) -> list[dict[str, Any]]:
        """Every candidate of an article as it stands now, in article order.

        ``view``: None — as this store's reviewer sees it (their own decisions; ``reviews`` lists every
        reviewer's version), or the desk's final view when the store is open read-only; a reviewer
        name — that reviewer's view; "final" — the desk's. Pending entities carry the desk memory's
        ``suggestion``, and candidates the store's vocabulary proposes (origin ``memory``) are listed
        too — unless ``plain``.
        """
        originals = self._file(article_id)["candidates"]
        self._ensure(article_id)
        ids = list(originals) + [c for c in self._alive_ids(article_id) if c not in originals]
        ids += self._orphans(article_id, originals)
        memory = None
        if kind in (None, "entity"):  # (plain too: the memory learns from a rejected proposal)
            ids += [c for c in self.decided_proposals(article_id) if c not in originals and c not in ids]
        if not plain and kind in (None, "entity") and self.suggestions:
            memory = self.memory()
            ids += [c for c in self.proposals(article_id) if c not in originals and c not in ids]
        out = []
        for cid in ids:
            base = self._base(article_id, cid, originals)
            if base is None:
                continue
            state = self._state(article_id, cid, base, view)
            if kind is not None and state["kind"] != kind:
                continue
            if memory is not None and state["status"] == "pending" and "suggestion" not in state:
                hint = memory.suggest(state)
                if hint is not None:
                    state["suggestion"] = hint
            out.append(state)
        out.sort(key=lambda c: (c["start"], c["end"], c["kind"], c["id"]))
        return out

    def candidate(self, article_id: str, cand_id: str, *, view: str | None = None) -> dict[str, Any]:
        originals = self._file(article_id)["candidates"]
        self._ensure(article_id)
        base = self._base(article_id, cand_id, originals)
        if base is None and cand_id.startswith("e-"):
            base = self.proposals(article_id).get(cand_id)  # proposed by the desk's vocabulary?
        if base is None:
            raise DecisionError(
                f"unknown candidate '{clean_line(cand_id, 80)}' in article '{clean_line(article_id, 80)}'"
            )
        added = cand_id in self._added.get(article_id, {}) and cand_id not in originals
        if added and self._alive.get(article_id, {}).get(cand_id, 0) <= 0 and not self._a_proposal(article_id, cand_id):
            raise DecisionError(f"candidate '{clean_line(cand_id, 80)}' was added and then undone")
        return self._state(article_id, cand_id, base, view)

    def extracted(self, article_id: str, cand_id: str) -> dict[str, Any]:
        """The candidate as the extraction (or the analyst who added it) made it, before any decision:
        what an adjudication's own version is given as changes to."""
        self._ensure(article_id)
        base = self._base(article_id, cand_id, self._file(article_id)["candidates"])
        if base is None:
            raise DecisionError(
                f"unknown candidate '{clean_line(cand_id, 80)}' in article '{clean_line(article_id, 80)}'"
            )
        return dict(base)

    def candidate_or_added(self, aid: str, cid: str) -> dict[str, Any]:
        """Like :meth:`candidate`, but an addition that was undone comes back with status "removed"
        (so that it can be redone) instead of raising."""
        try:
            return self.candidate(aid, cid)
        except DecisionError:
            self._ensure(aid)
            added = self._added.get(aid, {}).get(cid)
            if added is None:
                raise
            return {**added, "status": "removed"}

    def _hists(self, aid: str, cid: str) -> dict[Key, History]:
        self._ensure(aid)
        return self._reviews.get(aid, {}).get(cid, {})

    def _state(self, aid: str, cid: str, base: dict[str, Any], view: str | None) -> dict[str, Any]:
        hists = self._hists(aid, cid)
        if view is None and self.mode != "review":
            view = "final"  # a reader (export, status) sees the desk's view; a reviewer their own
        # an own view (the review screen's, export --reviewer) shows a lead's rulings where she made no review
        state = views.final(base, hists) if view == "final" else views.own(base, hists, view or self.reviewer)
        reviews = views.reviews_of(base, hists)
        if reviews:
            state["reviews"] = reviews
        return state

    def final_status(self, aid: str, cid: str) -> str:
        """The final-view status, without reading the article file unless reviewers' edits must be
        compared."""
        hists = self._hists(aid, cid)
        settled = views.in_effect(hists)
        if settled is not None:
            return settled.status
        tops = [h.top for (_, role), h in hists.items() if role == REVIEW and h.top is not None and h.status in DECIDED]
        if not tops:
            return "pending"
        if len(tops) > 1:
            rejected = {t.status == "rejected" for t in tops}
            if len(rejected) > 1:
                return "disputed"
            if not rejected.pop() and len({tuple(sorted((k, str(v)) for k, v in t.values.items())) for t in tops}) > 1:
                base = self._file(aid)["candidates"].get(cid) or self._added.get(aid, {}).get(cid)
                if base is not None:
                    return str(views.final(base, hists)["status"])
        top = tops[0]
        if top.status == "rejected":
            return "rejected"
        if cid in self._added.get(aid, {}):
            return "added"
        return "edited" if top.values else "accepted"

    def stamp(self) -> str:
        """The time to stamp a record with, on the store's clock (:mod:`tui.store.clock`)."""
        return now(self.engine.clock_offset())

    def _clock_offset(self) -> float:
        """The engine's clock offset as last read, for leases: an attribute, never a call — the queue
        asks for every article, and in the app a call waits on the poller's lock (review: with a
        hung server, each article's row waited up to 5 s)."""
        return float(getattr(self.engine, "offset", 0.0))

    def history(self, article_id: str, cand_id: str) -> list[dict[str, Any]]:
        """Every reviewer's decision records on one candidate, oldest first — each reviewer's in the
        order they were made whatever their stamps say (QA: a clock set back listed one reviewer's
        accept, reject, undo, redo in reverse)."""
        lists = [h.records for h in self._hists(article_id, cand_id).values()]
        return list(heapq.merge(*lists, key=lambda r: (str(r["at"]), str(r["reviewer"]))))

    def disputed(self, article_id: str) -> list[str]:
        self._ensure(article_id)
        return [cid for cid in self._reviews.get(article_id, {}) if self.final_status(article_id, cid) == "disputed"]

    def _need_write(self) -> None:
        if self.mode != "review":
            raise StoreWriteError(f"{clean_line(self.location)}: the store is open read-only")

    def _need_index_write(self) -> None:
        """Articles, extractions, settings and assignments are written by any process that may write
        (``add`` too; decisions need a reviewer's journal: :meth:`_need_write`)."""
        if self.mode == "read":
            raise StoreWriteError(f"{clean_line(self.location)}: the store is open read-only")
