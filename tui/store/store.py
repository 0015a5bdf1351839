"""The review store: articles, the machine's candidates, and every reviewer's decisions.

:class:`ReviewStore` is the one interface the CLI, the export and the app use. It keeps in memory what
the engine (a folder, or PostgreSQL) delivers — the article index and every reviewer's decision
records — and derives from them each candidate's state: per reviewer (each one's own history, undo and
redo), and the desk's *final view* (an adjudicator's choice, else what every reviewer who decided
agrees on, else ``disputed``). Writes go to the engine first and are folded in memory only once the
engine has made them durable.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from extractors.records import check_offsets
from extractors.vocabulary import CANDIDATE_ACTIONS, DECIDED, NOT_SPEAKERS

from ..sanitize import clean_line
from . import progress, undo, validation, views
from .assign import Assignments, check_lease
from .engine import Engine, IndexRecord, Mode
from .errors import DecisionError, NotALead, StoreDamaged, StoreError, StoreWriteError
from .history import History, next_level
from .lock import describe_command
from .memory import Memory, facts
from .urls import is_url
from .views import ADJUDICATION, REVIEW, Key

if TYPE_CHECKING:
    from .correction import DeskCorrection

CLAIM_KEY = "*claim"  # the scope key of claims (entities are keyed by label)
SUMMARY_VERSION = 4  # what an article's summary holds; an engine's summaries of another version are ignored


def scope_key(cand: dict[str, Any]) -> str:
    return CLAIM_KEY if cand["kind"] == "claim" else str(cand["label"])


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Many small dicts at once: the collector's scans would double the time it takes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "analyst"


def engine_for(location: str | os.PathLike[str]) -> Engine:
    text = os.fspath(location)
    if is_url(text):  # the scheme in any case, as everywhere else (urls.is_url); libpq wants it lower
        scheme, sep, rest = text.partition("://")
        text = scheme.lower() + sep + rest
        from .postgres import PostgresEngine  # type: ignore[import-not-found,unused-ignore]

        return cast(Engine, PostgresEngine(text))
    scheme, sep, _ = text.partition("://")
    if sep and scheme and all(ch.isalnum() or ch in "+.-" for ch in scheme):  # a URL, but not one we serve
        raise StoreError(
            f"--store: unknown kind of store '{clean_line(scheme, 20)}://' (use postgresql://… or a folder path)"
        )
    from .folder import FolderEngine

    return FolderEngine(Path(text).expanduser())


@dataclass
class Changes:
    """What :meth:`ReviewStore.refresh` found that other processes did."""

    articles: list[str] = field(default_factory=list)  # added by others
    decided: dict[str, set[str]] = field(default_factory=dict)  # article -> candidates others decided on
    index: bool = False  # assignments, settings... changed
    extracted: list[str] = field(default_factory=list)  # articles re-extracted by others

    def __bool__(self) -> bool:
        return bool(self.articles or self.decided or self.index or self.extracted)


class ReviewStore:
    """Open with :meth:`open`; use as a context manager. Any number of readers and of reviewers, one
    writing process per reviewer."""

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
        self.assignments = Assignments()
        self.settings: dict[str, Any] = {}
        self._desk: DeskCorrection | None = None  # made, and learnt, when a claim list first asks
        self._held: Changes | None = None  # what a refresh(hold=True) folded in: the next refresh says it

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str],
        *,
        write: bool = False,
        mode: Mode | None = None,
        reviewer: str | None = None,
        holder: str | None = None,
    ) -> ReviewStore:
        """``mode``: "read" (status, export), "add" (adding articles only: no reviewer lock), "review"
        (decisions as ``reviewer``; one process per reviewer). ``write=True`` means "review"."""
        chosen: Mode = mode or ("review" if write else "read")
        name = validation.reviewer_name(reviewer if reviewer is not None else default_reviewer())
        engine = engine_for(location)
        engine.open(chosen, name, holder or describe_command())
        store = cls(engine, mode=chosen, reviewer=name)
        try:
            store._load()
        except BaseException:
            engine.close()
            raise
        return store

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
    def writable(self) -> bool:
        return self.mode == "review"

    def _load(self) -> None:
        index, log = self.engine.load()
        with _no_gc():
            for table, doc in index:
                self._fold_index(table, doc)
        self._log = log
        self._touched = log.touched()
        for aid, names in self._touched.items():
            for who in names:
                self.assignments.started(aid, who)
        self._entries = {
            aid: e
            for aid, e in log.entries.items()
            if e.get("v") == SUMMARY_VERSION and e.get("x", 0) == self._extraction_no(aid)
        }
        # summaries of another version (an upgrade) or extraction are folded again when asked for, and
        # saved by the next writing session even if it decides nothing: not refolded on every status
        self._log_changed = bool(log.dirty) or len(self._entries) < len(log.entries)

    def _ensure(self, aid: str) -> None:
        """Fold every decision on one article into histories, the first time the article is needed."""
        if aid in self._folded:
            return
        self._folded.add(aid)
        self._entries.pop(aid, None)
        with _no_gc():
            for record in self._log.records(aid):
                self._fold(record)

    def close(self) -> None:
        try:
            if self.mode != "read" and self._log_changed:
                self._save_cache()
            if self._desk is not None:
                self._desk.save()  # derived data, any mode: what it learnt is not learnt again
        finally:
            self.engine.close()

    def _save_cache(self) -> None:
        entries = dict(self._entries)
        for aid in self._folded:
            if aid in self._articles:
                with contextlib.suppress(StoreDamaged):  # best effort: a damaged article is left out
                    entries[aid] = self._entry(aid, with_memory=True)
        self.engine.save_cache({aid: e for aid, e in entries.items() if aid in self._touched})

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    # -- folding -----------------------------------------------------------------------------------

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
        if hist.alive_addition != was_alive:
            alive = self._alive[aid]
            alive[cid] = alive.get(cid, 0) + (1 if hist.alive_addition else -1)
        self._records[record["id"]] = record
        self._changed(aid, cid)
        self._proposals.pop(aid, None)
        if self._memory is not None:
            self._facts_stale.add(aid)

    # -- articles ----------------------------------------------------------------------------------

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

    def add_article(self, extraction: Any) -> tuple[str, str]:
        """Store an extracted article. Returns ("added" | "duplicate", article id). Same text = duplicate,
        also when another process adds it at the same moment."""
        self._need_index_write()
        article = extraction.article
        sha = article.text_sha
        if sha in self._by_sha:
            return "duplicate", self._by_sha[sha]
        if article.id in self._articles:
            raise DecisionError(
                f"{clean_line(article.path)}: id '{clean_line(article.id, 80)}' is already used by a different "
                "article in the store"
            )
        cands = extraction.entities + extraction.claims
        for cand in cands:
            check_offsets(article.text, cand)
        from .articles import file_name

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
            "shard": file_name(article.id),
            "counts": {"entity": len(extraction.entities), "claim": len(extraction.claims)},
            "labels": _label_counts(extraction.entities),
            "model": next((c["model"] for c in cands if c.get("model")), None),
            "added_at": now(),
            "added_by": self.reviewer,
        }
        body = {
            "id": article.id,
            "title": article.title,
            "text": article.text,
            "tokens": [list(t) for t in extraction.tokens],
        }
        try:
            status, aid, seen = self.engine.add_article(row, body, cands)
        except StoreError as err:
            if "already used" in str(err):
                raise DecisionError(str(err)) from None
            raise
        for table, doc in seen:
            self._fold_index(table, doc)
        if status == "added":
            self._fold_index("articles", row)
        return status, aid

    def reextract(self, extraction: Any) -> dict[str, int]:
        """Replace a stored article's machine candidates by a new extraction of its text (by a newer
        model, say), keeping every decision made: a candidate anyone has decided stays as it was — the
        new model finding the same span and label gives the same id —, pending candidates the new
        model no longer finds go, the new ones come pending. Returns the counts kept / new / dropped.
        Recorded as one index record, so every process sees the same candidates."""
        self._need_index_write()
        article = extraction.article
        aid = self._by_sha.get(article.text_sha)
        if aid is None or aid != article.id:
            raise DecisionError(f"article '{clean_line(article.id, 80)}' is not in the store with this text")
        new = extraction.entities + extraction.claims
        for cand in new:
            check_offsets(article.text, cand)
        self.refresh()  # decisions others made while the new model ran count as decided
        self._ensure(aid)
        old = self._file(aid)["candidates"]
        reviews = self._reviews.get(aid, {})
        # decided by anyone (a decision standing, not undone), or not the machine's (imported spans):
        # never dropped, never replaced
        decided = {cid for cid in old if old[cid].get("origin") != "model" or views.standing(reviews.get(cid, {}))}
        kept = [old[cid] for cid in old if cid in decided]
        added = self._added.get(aid, {})  # an analyst's own candidate keeps its id and its origin
        # what the desk already holds, as any reviewer left it: a new candidate equal to one of these
        # (a relabel or a boundary fix the new model now agrees with) would ask for the decision twice
        held = {
            _span_key(version)
            for cid, base in [*((cid, old[cid]) for cid in decided), *added.items()]
            for version in [base, *(state for _, state in views.versions(base, reviews.get(cid, {})))]
        }
        fresh = [c for c in new if c["id"] not in decided and c["id"] not in added and _span_key(c) not in held]
        cands = sorted(kept + fresh, key=lambda c: (c["start"], c["end"], c["kind"], c["id"]))
        entities = [c for c in cands if c["kind"] == "entity"]
        base = len(self._extraction_log.get(aid, []))  # the records this one is written against
        pool = self._pool(aid, upto=base)
        doc = {
            "article": aid,
            "id": uuid.uuid4().hex[:16],
            "model": next((c["model"] for c in new if c.get("model")), None),
            "at": now(),
            "by": self.reviewer,
            "counts": {"entity": len(entities), "claim": len(cands) - len(entities)},
            "labels": _label_counts(entities),
            # the record lists every candidate and holds only those no extraction had as they are: the
            # index grows by what changed, not by the article's candidates at every re-extraction
            "base": base,
            "ids": [c["id"] for c in cands],
            "candidates": [c for c in cands if pool.get(c["id"]) != c],
        }
        seen = self.engine.append_index([("extractions", doc)])
        for table, row in [*seen, ("extractions", doc)]:
            self._fold_index(table, row)
        self._log_changed = True
        new_ids = {c["id"] for c in fresh}
        return {
            "kept": len(kept),
            "new": sum(1 for c in fresh if c["id"] not in old),
            "dropped": sum(1 for cid in old if cid not in decided and cid not in new_ids),
        }

    # -- candidates --------------------------------------------------------------------------------

    def _base(self, aid: str, cid: str, originals: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        found = originals.get(cid) or self._added.get(aid, {}).get(cid) or self._proposals.get(aid, {}).get(cid)
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
        if added and self._alive.get(article_id, {}).get(cand_id, 0) <= 0:
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
        if view == "final":
            state = views.final(base, hists)
        else:
            state = views.own(base, hists, view or self.reviewer, settled_too=view is not None)
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

    def history(self, article_id: str, cand_id: str) -> list[dict[str, Any]]:
        """Every reviewer's decision records on one candidate, oldest first."""
        records = [r for h in self._hists(article_id, cand_id).values() for r in h.records]
        records.sort(key=lambda r: (r["at"], r["reviewer"], r["seq"]))
        return records

    def decided_items(self, kind: str | None = None) -> Iterable[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]:
        """For agreement: (article, the candidate as extracted or added, {reviewer: their state}) for
        every candidate at least one reviewer decided, article by article."""
        for aid in self.article_ids():
            if aid not in self._touched:
                continue
            entry = self._entries.get(aid) if aid not in self._folded else None
            rows = None if entry is None else entry["agree"] if "agree" in entry else self._log.agree(aid)
            if rows is not None:  # what agreement needs, kept in the cache
                for base, states in rows:
                    if kind is None or base["kind"] == kind:
                        yield aid, base, states
                continue
            yield from self._decided_items(aid, kind)

    def _decided_items(
        self, aid: str, kind: str | None
    ) -> Iterator[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]:
        self._ensure(aid)
        cands = self._reviews.get(aid)
        if cands:
            originals = self._file(aid)["candidates"]
            added, alive = self._added.get(aid, {}), self._alive.get(aid, {})
            for cid, hists in cands.items():
                base = self._base(aid, cid, originals)
                if base is None or (kind is not None and base["kind"] != kind):
                    continue
                if cid in added and cid not in originals and alive.get(cid, 0) <= 0:
                    continue
                states = {}
                for (who, role), hist in hists.items():
                    if role == REVIEW and hist.status in DECIDED:
                        state = hist.state(base)
                        if state is not None:
                            states[who] = state
                if states:
                    yield aid, base, states

    def groups(self, article_id: str, *, view: str | None = None) -> dict[str, dict[str, Any]]:
        """The article's entity groups (see :mod:`extractors.groups`) by the labels of ``view``."""
        from extractors.groups import entity_groups

        ents = [c for c in self.candidates(article_id, "entity", view=view) if c["status"] != "removed"]
        return entity_groups(article_id, ents)

    def decide_group(
        self, article_id: str, group: str, action: str, *, label: str | None = None, seconds: float | None = None
    ) -> list[dict[str, Any]]:
        """Decide every mention of a group this reviewer has not decided yet, as one undo step:
        accept, reject, or edit (relabel to ``label``; mentions that have it already are accepted)."""
        groups = self.groups(article_id)
        if group not in groups:
            raise DecisionError(f"no group '{clean_line(group, 80)}' in article '{clean_line(article_id, 80)}'")
        if action not in ("accept", "reject", "edit"):
            raise DecisionError("a group decision is accept, reject or edit (with a label)")
        if action == "edit":
            label = validation.label(label)
        states = {c["id"]: c for c in self.candidates(article_id, "entity")}
        items: list[tuple[str, str, dict[str, Any] | None]] = []
        for cid in groups[group]["mentions"]:
            state = states[cid]
            if state["status"] != "pending":
                continue
            if action == "edit" and state["label"] != label:
                items.append((cid, "edit", {"label": label}))
            else:
                items.append((cid, "accept" if action == "edit" else action, None))
        if not items:
            raise DecisionError(f"every mention of '{clean_line(groups[group]['name'], 60)}' is decided already")
        return self.decide_many(article_id, items, seconds=seconds)

    def disputed(self, article_id: str) -> list[str]:
        self._ensure(article_id)
        return [cid for cid in self._reviews.get(article_id, {}) if self.final_status(article_id, cid) == "disputed"]

    # -- per-article summaries (what the cache keeps) ------------------------------------------------

    def _entry(self, aid: str, *, with_memory: bool = False) -> dict[str, Any]:
        """What the cache keeps of an article, from its folded histories: candidates decided per
        reviewer and final statuses, live additions — each by *key* (an entity's label as extracted or
        added, ``*claim`` for claims) so that a label set can be applied — and the desk's facts."""
        entry, _ = self._summed(aid)
        if self._extraction_no(aid):
            entry["x"] = self._extraction_no(aid)  # the summary is of that extraction's candidates
        if with_memory:
            entry["memory"] = [list(f) for f in facts(self.candidates(aid, view="final", plain=True))]
            entry["agree"] = [
                [
                    {k: base.get(k) for k in _AGREE_BASE},
                    {who: {k: state.get(k) for k in _AGREE_STATE} for who, state in states.items()},
                ]
                for _, base, states in self._decided_items(aid, None)
            ]
        return entry

    def _summed(self, aid: str) -> tuple[dict[str, Any], dict[str, progress.Part]]:
        """The article's summary (decided per reviewer, final statuses, live additions; by key) from
        its folded histories, and each decided candidate's share of it."""
        self._ensure(aid)
        originals = self._file(aid)["candidates"]
        entry: dict[str, Any] = {"v": SUMMARY_VERSION, "decided": {}, "adjudicated": {}, "final": {}, "alive": {}}
        parts: dict[str, progress.Part] = {}
        for cid in self._reviews.get(aid, {}):
            part = self._part(aid, cid, originals)
            if part is not None:
                parts[cid] = part
                progress.count_part(entry, part, 1)
        entry["alive"] = self._live(aid, originals)
        return entry, parts

    def _part(self, aid: str, cid: str, originals: dict[str, dict[str, Any]]) -> progress.Part | None:
        """One candidate's share of its article's summary: its key, who decided it, whose adjudication
        settles it (if one does), its final status."""
        hists = self._reviews.get(aid, {}).get(cid)
        if not hists:
            return None
        added, alive = self._added.get(aid, {}), self._alive.get(aid, {})
        base = self._base(aid, cid, originals)
        if base is None or (cid in added and cid not in originals and alive.get(cid, 0) <= 0):
            return None
        whos = tuple(who for (who, role), hist in hists.items() if role == REVIEW and hist.status in DECIDED)
        settled = views.in_effect(hists)
        judges = (settled.record["reviewer"],) if settled is not None else ()
        return scope_key(base), whos, judges, self.final_status(aid, cid)

    def _live(self, aid: str, originals: dict[str, dict[str, Any]]) -> dict[str, int]:
        added, live = self._added.get(aid, {}), dict[str, int]()
        for cid, n in self._alive.get(aid, {}).items():
            if n > 0 and cid not in originals:
                key = scope_key(added[cid])
                live[key] = live.get(key, 0) + 1
        return live

    def _changed(self, aid: str, cid: str | None = None) -> None:
        """Something that counts changed on an article (on one of its candidates, when ``cid`` is
        given): its figures are worked out again when asked — for one candidate, only its share."""
        self._counts.mark(aid)
        if cid is not None and aid in self._entry_parts:
            self._stale_parts.setdefault(aid, set()).add(cid)
            return
        self._folded_entries.pop(aid, None)
        self._entry_parts.pop(aid, None)
        self._stale_parts.pop(aid, None)

    def _summary_of(self, aid: str) -> dict[str, Any] | None:
        """The article's summary: cached if still valid, else folded (and kept until the article
        changes: the status line asks after every key); None if nobody decided on it."""
        if aid not in self._touched:
            return None
        if aid not in self._folded and aid in self._entries:
            return self._entries[aid]
        entry = self._folded_entries.get(aid)
        if entry is None:
            entry, self._entry_parts[aid] = self._summed(aid)
            self._folded_entries[aid] = entry
            self._stale_parts.pop(aid, None)
            return entry
        stale = self._stale_parts.pop(aid, None)
        if stale:  # a decision changes its own candidate's share: that share is counted again
            parts = self._entry_parts[aid]
            originals = self._file(aid)["candidates"]
            for cid in stale:
                old = parts.pop(cid, None)
                if old is not None:
                    progress.count_part(entry, old, -1)
                new = self._part(aid, cid, originals)
                if new is not None:
                    parts[cid] = new
                    progress.count_part(entry, new, 1)
            entry["alive"] = self._live(aid, originals)
        return entry

    # -- progress (this store's reviewer) ------------------------------------------------------------

    def model_counts(self, aid: str) -> dict[str, int]:
        """The article's machine candidates by key (entity label, ``*claim``)."""
        info = self._articles[aid]
        labels = info.get("labels")
        if labels is None:  # an article stored before rows kept their labels: count them once
            labels = self._label_counts.get(aid)
            if labels is None:
                labels = {}
                for cand in self._file(aid)["candidates"].values():
                    if cand["kind"] == "entity":
                        labels[cand["label"]] = labels.get(cand["label"], 0) + 1
                self._label_counts[aid] = labels
        return {**labels, CLAIM_KEY: info["counts"]["claim"]}

    def _in_scope(self, key: str) -> bool:
        labels = self.labels
        return labels is None or key == CLAIM_KEY or key in labels

    def _scope(self) -> Callable[[str], bool]:
        """``_in_scope`` with the label set read once (for loops over many keys)."""
        labels = self.labels
        if labels is None:
            return lambda key: True
        keep = {*labels, CLAIM_KEY}
        return keep.__contains__

    def _count(self, aid: str) -> tuple[int, int]:
        reviewer = self.reviewer if self.mode == "review" else None
        try:
            entry = self._summary_of(aid)
        except StoreDamaged:  # its file is damaged (doctor says how): counted as undecided, not fatal
            entry = None
        return progress.count(self.model_counts(aid), entry, self._scope(), reviewer)

    def progress(self, article_id: str) -> tuple[int, int]:
        """(decided by this reviewer — or in the final view, for a reader —, total) candidates of one
        article; additions count while alive."""
        self.article_info(article_id)
        return self._counts.of(article_id)

    def totals(self) -> tuple[int, int]:
        return self._counts.totals()

    def final_progress(self, article_id: str) -> tuple[int, int, int]:
        """(decided, disputed, total) candidates of one article in the desk's final view."""
        total = self.progress(article_id)[1]
        entry = self._summary_of(article_id)
        if entry is None:
            return 0, 0, total
        counts = [(s, n) for k, kinds in entry["final"].items() if self._in_scope(k) for s, n in kinds.items()]
        decided = sum(n for s, n in counts if s in DECIDED)
        return decided, sum(n for s, n in counts if s == "disputed"), total

    def next_pending_article(self, after: str | None = None) -> str | None:
        """The next article with candidates this reviewer has not decided: first those assigned to
        them, then those nobody holds (unassigned, or left untouched past the lease)."""
        ids = self.article_ids()
        start = ids.index(after) + 1 if after in ids else 0
        ring = ids[start:] + ids[:start]
        fallback = None
        for aid in ring:  # the cheap test first: progress is only counted where it can change the answer
            claim = self.assignments.claim(aid, self.reviewer)
            if claim == "theirs" or (claim != "mine" and fallback is not None):
                continue
            decided, total = self.progress(aid)
            if decided >= total:
                continue
            if claim == "mine":
                return aid
            fallback = aid
        return fallback

    # -- decisions ---------------------------------------------------------------------------------

    def _need_write(self) -> None:
        if self.mode != "review":
            raise StoreWriteError(f"{clean_line(self.location)}: the store is open read-only")

    def decide(
        self,
        article_id: str,
        cand_id: str,
        action: str,
        *,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
        adjudicate: bool = False,
    ) -> dict[str, Any]:
        """accept | reject | edit (with ``changes``) | undo | redo one candidate; durable on return.
        ``adjudicate``: as the desk's final decision (a lead's), not as one more review."""
        if adjudicate:
            return self.adjudicate(article_id, cand_id, action=action, changes=changes, seconds=seconds)
        try:
            return self.decide_many(article_id, [(cand_id, action, changes)], seconds=seconds)[0]
        except DecisionError as err:
            own = self._hists(article_id, cand_id).get((self.reviewer, ADJUDICATION))
            if action in ("undo", "redo") and own is not None and own.check(action) is None:
                raise DecisionError(
                    f'{err} among your reviews; to {action} your adjudication, say so (in apply: "adjudicate": true)'
                ) from None
            raise

    def decide_many(
        self,
        article_id: str,
        items: Iterable[tuple[str, str, dict[str, Any] | None]],
        *,
        seconds: float | None = None,
    ) -> list[dict[str, Any]]:
        """Several decisions as one durable transaction and one undo step (a batch)."""
        self._need_write()
        items = list(items)
        if len({cid for cid, _, _ in items}) < len(items):
            raise DecisionError("one batch decides each candidate once")
        batch = uuid.uuid4().hex[:12] if len(items) > 1 else None
        records = []
        article = self.article(article_id)
        for cand_id, action, changes in items:
            state = self.candidate_or_added(article_id, cand_id)
            hist = self._hists(article_id, cand_id).get((self.reviewer, REVIEW)) or History()
            if state.get("origin") == "memory" and hist.top is None and action in ("accept", "edit"):
                records.append(
                    self._proposal_taken(article, state, changes if action == "edit" else None, seconds, batch)
                )
                continue
            records.append(self._decision(article, state, hist, action, changes, seconds, batch))
        self._commit(records)
        return [self.candidate_or_added(article_id, r["candidate"]) for r in records]

    def _proposal_taken(
        self,
        article: dict[str, Any],
        state: dict[str, Any],
        changes: dict[str, Any] | None,
        seconds: float | None,
        batch: str | None,
    ) -> dict[str, Any]:
        """Accepting a proposed candidate adds it (it is the analyst's, remembered from the desk)."""
        fields = {"kind": "entity", "start": state["start"], "end": state["end"], "label": state["label"]}
        fields.update(changes or {})
        cand = validation.new_candidate(article, fields)
        cand["origin"] = "memory"
        record = self._record(article["id"], cand["id"], "entity", "add", seconds=seconds, batch=batch)
        record["before"] = None
        record["after"] = {"status": "added"}
        record["added"] = cand
        return record

    def _decision(
        self,
        article: dict[str, Any],
        state: dict[str, Any],
        hist: History,
        action: str,
        changes: dict[str, Any] | None,
        seconds: float | None,
        batch: str | None,
    ) -> dict[str, Any]:
        if action not in CANDIDATE_ACTIONS:
            raise DecisionError(
                f"unknown action '{clean_line(action, 40)}' (use accept, reject, edit, add, undo, redo, adjudicate)"
            )
        problem = hist.check(action)
        if state["status"] == "removed" and action != "redo":
            problem = f"candidate '{state['id']}' was added and then undone: redo it first"
        if problem:
            raise DecisionError(problem)
        record = self._record(article["id"], state["id"], state["kind"], action, seconds=seconds, batch=batch)
        record["before"] = {"status": state["status"]}
        if action == "edit":
            clean = validation.changes(article, state, changes or {})
            self._check_speaker_entity(article["id"], clean.get("speaker"), self._file(article["id"])["candidates"])
            record["changes"] = clean
            record["before"].update({k: state.get(k) for k in clean})
            record["after"] = {"status": "added" if hist.top and hist.top.added else "edited", **clean}
        elif action in ("undo", "redo"):
            target = hist.applied[-1] if action == "undo" else hist.undone[-1][0]
            record["target"] = target.record["id"]
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
        else:
            level = next_level(hist.top, record)
            record["after"] = {"status": level.status if level else state["status"]}
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
        for aid in {r["article"] for r in records}:
            self._ensure(aid)  # fold what the journals hold first, so the new records come on top, once
        self.engine.append_decisions(records)
        self._log_changed = True
        for record in records:
            self._touched.setdefault(record["article"], set()).add(self.reviewer)
            self.assignments.started(record["article"], self.reviewer)
            self._fold(record)

    def add_candidate(self, article_id: str, fields: dict[str, Any], *, seconds: float | None = None) -> dict[str, Any]:
        """The analyst's own candidate: ``kind``, ``start``, ``end``, ``label`` (entities) or claim fields."""
        self._need_write()
        article = self.article(article_id)
        cand = validation.new_candidate(article, fields)
        originals = self._file(article_id)["candidates"]
        self._check_speaker_entity(article_id, cand.get("speaker"), originals)
        if cand["id"] in originals or self._alive.get(article_id, {}).get(cand["id"], 0) > 0:
            raise DecisionError(f"that {cand['kind']} already exists as '{cand['id']}': accept or edit it instead")
        record = self._record(article_id, cand["id"], cand["kind"], "add", seconds=seconds, batch=None)
        record["before"] = None
        record["after"] = {"status": "added"}
        record["added"] = cand
        self._commit([record])
        return self.candidate(article_id, cand["id"])

    def _check_speaker_entity(self, article_id: str, speaker: Any, originals: dict[str, Any]) -> None:
        """A speaker linked to an entity names one of this article's entities (the machine's or an
        analyst's): an unknown id was kept and then silently dropped by the export."""
        eid = speaker.get("entity_id") if isinstance(speaker, dict) else None
        if eid is None:
            return
        entity = self._base(article_id, eid, originals)
        if entity is None and article_id not in self._folded:
            self._ensure(article_id)  # an analyst's entity: known once the article's decisions are folded
            entity = self._base(article_id, eid, originals)
        if entity is None or entity.get("kind") != "entity":
            raise DecisionError(f"field 'speaker.entity_id': no entity '{clean_line(eid, 80)}' in this article")
        if entity.get("label") in NOT_SPEAKERS:  # QA: a speaker linked to "Monday" was taken
            raise DecisionError(
                f"field 'speaker.entity_id': '{clean_line(eid, 80)}' is a {entity['label']} entity "
                f"('{clean_line(entity.get('text'), 40)}'), which cannot speak"
            )

    # -- adjudication ------------------------------------------------------------------------------

    def adjudicate(
        self,
        article_id: str,
        cand_id: str,
        *,
        choose: str | None = None,
        action: str | None = None,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """Settle a candidate for the desk: pick the version of reviewer ``choose``, or give one's own
        (``action`` accept/reject/edit with ``changes``); undo/redo ``action`` steps through the
        adjudicator's own adjudications. Returns the candidate in the final view."""
        self._need_write()
        self.need_lead("settle disputes")
        article = self.article(article_id)
        originals = self._file(article_id)["candidates"]
        base = self._base(article_id, cand_id, originals)
        if base is None:
            raise DecisionError(f"unknown candidate '{clean_line(cand_id, 80)}'")
        hists = self._hists(article_id, cand_id)
        mine = hists.get((self.reviewer, ADJUDICATION)) or History()
        before = views.final(base, hists)
        record = self._record(article_id, cand_id, base["kind"], "adjudicate", seconds=seconds, batch=None)
        record["before"] = {"status": before["status"]}
        if action not in ("undo", "redo") and before["status"] != "disputed" and views.in_effect(hists) is None:
            # a ruling settles a dispute; made on an item the reviewers agree on (or nobody decided) it
            # would silently outrank every later review of it
            raise DecisionError(
                f"candidate '{clean_line(cand_id, 80)}' is not disputed (final status: {before['status']}): "
                "an adjudication settles reviewers' disagreement; decide it as a review instead"
            )
        versions = {who: state for who, state in views.versions(base, hists)}
        if action in ("undo", "redo"):
            problem = mine.check(action)
            if problem:
                raise DecisionError(problem.replace("candidate", "candidate's adjudication"))
            target = mine.applied[-1] if action == "undo" else mine.undone[-1][0]
            record.update(action=action, role=ADJUDICATION, target=target.record["id"])
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
            self._commit([record])
            return self.candidate(article_id, cand_id, view="final")
        if choose is not None:
            if choose not in versions:
                names = ", ".join(sorted(versions)) or "nobody yet"
                raise DecisionError(
                    f"field 'choose': '{clean_line(choose, 64)}' has not decided this candidate (decided: {names})"
                )
            chosen = versions[choose]
            status = chosen["status"]
            values = {k: v for k, v in chosen.items() if k in views.VERSION_FIELDS and base.get(k) != v}
            record["choose"] = choose
        else:
            if action not in ("accept", "reject", "edit"):
                raise DecisionError(
                    "an adjudication chooses a reviewer's version ('choose') or decides: accept, reject or edit"
                )
            values = validation.changes(article, base, changes or {}) if action == "edit" else {}
            self._check_speaker_entity(article_id, values.get("speaker"), originals)
            if action == "reject":
                status = "rejected"
            elif base.get("origin") == "analyst":
                status = "added"
            else:
                status = "edited" if values else "accepted"
        if status in ("edited", "accepted") and base.get("origin") == "analyst":
            status = "added"
        record["versions"] = {who: hists[(who, REVIEW)].top.record["id"] for who in versions}  # type: ignore[union-attr]
        record["result"] = {"status": status, "values": values}
        record["after"] = {"status": status}
        self._commit([record])
        return self.candidate(article_id, cand_id, view="final")

    # -- global undo / redo (the app's u / U) ----------------------------------------------------------

    def undo_last(self, reviewer: str | None = None, *, adjudications: bool = False) -> list[tuple[str, str]]:
        """Undo this reviewer's latest step still in effect (a whole batch if it was one), whatever the
        article — with ``adjudications``, their latest adjudication. Returns the (article, candidate)
        pairs."""
        return self._step("undo", ADJUDICATION if adjudications else None)

    def redo_last(self, reviewer: str | None = None, *, adjudications: bool = False) -> list[tuple[str, str]]:
        return self._step("redo", ADJUDICATION if adjudications else None)

    def _step(self, action: str, only: str | None = None) -> list[tuple[str, str]]:
        self._need_write()
        me = self.reviewer
        found = undo.find_step(action, me, self.engine.recent(me), self._role, self._hists, self._records, only)
        if found is None:
            return []
        role, batch, first = found
        if role == ADJUDICATION:
            self.need_lead("undo or redo adjudications")
        if batch is None:
            targets = [first]
        else:
            targets = undo.batch_members(action, me, role, batch, first[0], self._reviews.get(first[0], {}))
        records = []
        new_batch = uuid.uuid4().hex[:12] if len(targets) > 1 else None
        for aid, cid in targets:
            hist = self._hists(aid, cid)[(me, role)]
            target = hist.applied[-1] if action == "undo" else hist.undone[-1][0]
            record = self._record(aid, cid, target.record["kind"], action, seconds=None, batch=new_batch)
            record["target"] = target.record["id"]
            if role == ADJUDICATION:
                record["role"] = ADJUDICATION
            record["before"] = {"status": hist.status}
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
            records.append(record)
        self._commit(records)
        return targets

    # -- the desk ----------------------------------------------------------------------------------

    def reviewers(self) -> list[str]:
        return sorted({who for names in self._touched.values() for who in names})

    def has_decided(self, article_id: str, reviewer: str | None = None) -> bool:
        """Whether ``reviewer`` (this store's by default) has any decision on the article."""
        return (self.reviewer if reviewer is None else reviewer) in self._touched.get(article_id, ())

    def assign(
        self, team: list[str], *, overlap: int = 1, lease_hours: float = 24.0, articles: list[str] | None = None
    ) -> dict[str, list[str]]:
        """Give each unassigned article ``overlap`` reviewers of ``team``, deterministically (the least
        loaded first, ties by a hash of article and name); recorded in the store. Returns the new ones."""
        self._need_index_write()
        self.need_lead("assign articles")
        names = [validation.reviewer_name(n) for n in team]
        lease_hours = check_lease(lease_hours)
        ids = articles if articles is not None else self.article_ids()
        for aid in ids:
            self.article_info(aid)
        plan = self.assignments.plan(ids, names, overlap)
        if not plan:
            return {}
        at = now()
        records: list[IndexRecord] = [
            (
                "assignments",
                {"article": aid, "reviewers": who, "by": self.reviewer, "at": at, "lease_hours": lease_hours},
            )
            for aid, who in plan.items()
        ]
        seen = self.engine.append_index(records)
        for table, doc in [*seen, *records]:
            self._fold_index(table, doc)
        return plan

    def take(self, article_id: str) -> str | None:
        """Take over an article whose assignee has not started within the lease. Returns whom it was
        taken from (None if there was nothing to take)."""
        self._need_write()
        if self.assignments.claim(article_id, self.reviewer) != "takeable":
            return None
        present = frozenset(who for who, p in self.presence().items() if p.get("article") == article_id)
        absent = self.assignments.takeable_from(article_id, self.reviewer, present)
        if absent is None:
            return None
        doc = {"article": article_id, "from": absent, "to": self.reviewer, "at": now()}
        seen = self.engine.append_index([("takes", doc)])
        for table, row in [*seen, ("takes", doc)]:
            self._fold_index(table, row)
        return absent

    def presence(self) -> dict[str, dict[str, Any]]:
        return self.engine.presence()

    def set_presence(self, article_id: str | None) -> None:
        if self.mode == "review":
            self.engine.set_presence(self.reviewer, article_id)

    # -- the desk's leads ----------------------------------------------------------------------------

    @property
    def leads(self) -> list[str] | None:
        """Who settles disputes and assigns articles; None (the default): any reviewer may. Names are
        the reviewers' own (``--reviewer``): a guard against a slip of the wrong hand, not a lock."""
        value = self.settings.get("leads")
        names = [n for n in value if isinstance(n, str)] if isinstance(value, list) else []
        return names or None

    def is_lead(self, name: str | None = None) -> bool:
        """Whether ``name`` (this store's reviewer by default) may adjudicate and assign."""
        leads = self.leads
        return leads is None or (self.reviewer if name is None else name) in leads

    def need_lead(self, what: str) -> None:
        """Raise :class:`NotALead` (naming the leads) unless this reviewer may ``what``."""
        leads = self.leads
        if leads is not None and self.reviewer not in leads:
            names = ", ".join(clean_line(n, 30) for n in leads)
            raise NotALead(
                f"only the desk's leads ({names}) {what}; you are '{clean_line(self.reviewer, 30)}' "
                "(a lead runs 'newsreview leads' to change who they are)"
            )

    def set_leads(self, names: list[str] | None) -> None:
        """Name the desk's leads (None or empty: anyone leads). Once there are leads, only they may
        change the list (a lead may hand it over: the list given is the list)."""
        self._need_index_write()
        self.need_lead("change the leads")
        self._set_setting("leads", list(dict.fromkeys(validation.reviewer_name(n) for n in names)) if names else None)

    def _need_index_write(self) -> None:
        """Articles, extractions, settings and assignments are written by any process that may write
        (``add`` too; decisions need a reviewer's journal: :meth:`_need_write`)."""
        if self.mode == "read":
            raise StoreWriteError(f"{clean_line(self.location)}: the store is open read-only")

    def _set_setting(self, key: str, value: Any) -> None:
        """Record a store setting in the index (the latest record of a key stands)."""
        doc = {"key": key, "value": value, "by": self.reviewer, "at": now()}
        seen = self.engine.append_index([("settings", doc)])
        for table, row in [*seen, ("settings", doc)]:
            self._fold_index(table, row)

    # -- the label set, and what the desk has taught the store ----------------------------------------

    @property
    def labels(self) -> list[str] | None:
        """The store's label set: entities with other labels are hidden from review and from the
        default export (kept, not deleted). None: every label."""
        value = self.settings.get("labels")
        return list(value) if isinstance(value, list) else None

    def set_labels(self, labels: list[str] | None) -> None:
        """Set the desk's label set (a lead's to change, once the desk has leads: a reviewer's slip
        hid every entity from the whole desk)."""
        self._need_index_write()
        value = None if labels is None else list(dict.fromkeys(validation.label(x) for x in labels))
        self.refresh(hold=True)  # compared with the desk's latest, not with what this process saw last
        if value == self.labels:
            return
        self.need_lead("change the desk's label set")
        self._set_setting("labels", value)

    @property
    def suggestions(self) -> bool:
        """Whether the desk's memory makes suggestions and proposals in this store (on unless turned
        off: blind double review wants reviewers unswayed by each other)."""
        return self.settings.get("suggestions", True) is not False

    def set_suggestions(self, on: bool) -> None:
        """Turn the desk memory's suggestions on or off for everyone (a lead's to change, once the desk
        has leads)."""
        self._need_index_write()
        self.refresh(hold=True)
        if bool(on) == self.suggestions:
            return
        self.need_lead("turn the desk's suggestions on or off")
        self._set_setting("suggestions", bool(on))

    def in_scope(self, cand: dict[str, Any]) -> bool:
        """Whether the label set shows this candidate (claims always; entities by their label as
        extracted or added)."""
        if cand["kind"] != "entity":
            return True
        labels = self.labels
        return labels is None or (cand.get("original") or {}).get("label", cand["label"]) in labels

    def memory(self) -> Memory:
        """The desk's facts over the whole store (built the first time it is asked for, then kept up
        to date article by article)."""
        if self._memory is None:
            self._memory = Memory()
            for aid in self._touched:
                if aid not in self._articles:
                    continue
                entry = self._entries.get(aid) if aid not in self._folded else None
                found = [tuple(f) for f in entry["memory"]] if entry and "memory" in entry else None
                if found is None:
                    found = facts(self.candidates(aid, view="final", plain=True))
                self._facts[aid] = found
                self._memory.add(found)
            self._facts_stale.clear()
        for aid in list(self._facts_stale):
            self._memory.add(self._facts.pop(aid, []), -1)
            if aid in self._articles:
                found = facts(self.candidates(aid, view="final", plain=True))
                self._facts[aid] = found
                self._memory.add(found)
            self._facts_stale.discard(aid)
            self._proposals.clear()  # the vocabulary may have changed
        return self._memory

    def proposals(self, article_id: str) -> dict[str, dict[str, Any]]:
        """Candidates the store's vocabulary proposes in this article (origin ``memory``)."""
        if not self.suggestions:
            return {}
        memory = self.memory()
        found = self._proposals.get(article_id)
        if found is None:
            article = self.article(article_id)
            originals = self._file(article_id)["candidates"]
            covered = [(c["start"], c["end"]) for c in originals.values() if c["kind"] == "entity"]
            covered += [
                (c["start"], c["end"])
                for cid, c in self._added.get(article_id, {}).items()
                if c["kind"] == "entity" and self._alive.get(article_id, {}).get(cid, 0) > 0
            ]
            found = {c["id"]: c for c in memory.proposals(article, covered) if self.in_scope(c)}
            self._proposals[article_id] = found
        return found

    def confirm_suggestions(self, article_id: str, *, seconds: float | None = None) -> list[dict[str, Any]]:
        """Every pending suggestion of the article (accept, relabel, reject, and proposed additions)
        as this reviewer's decisions, in one undo step."""
        items: list[tuple[str, str, dict[str, Any] | None]] = []
        for cand in self.candidates(article_id, "entity"):
            hint = cand.get("suggestion")
            if cand["status"] != "pending" or not hint:
                continue
            if hint["action"] == "add":
                items.append((cand["id"], "accept", None))
            elif hint["action"] == "edit":
                items.append((cand["id"], "edit", {k: hint[k] for k in ("label", "start", "end") if k in hint}))
            else:
                items.append((cand["id"], hint["action"], None))
        if not items:
            raise DecisionError("no pending suggestions in this article")
        return self.decide_many(article_id, items, seconds=seconds)

    # -- the desk's correction of check-worthiness (issue #14) ---------------------------------------

    @property
    def desk(self) -> DeskCorrection:
        """The desk's correction model, brought up to date with every decision (lazily: the first claim
        list, export or status that asks pays for it; opening the store does not)."""
        return self._desk_synced(need_model=True)

    def _desk_synced(self, *, need_model: bool) -> DeskCorrection:
        if self._desk is None:
            from .correction import DeskCorrection

            self._desk = DeskCorrection(self.engine)
        files: dict[str, dict[str, Any]] = {}

        def base_of(aid: str, cid: str) -> dict[str, Any] | None:
            if aid not in self._articles:
                return None
            try:
                if aid not in files:
                    files[aid] = self._file(aid)["candidates"]
                base = self._base(aid, cid, files[aid])
                if base is None and aid not in self._folded:
                    self._ensure(aid)  # an analyst's claim: known once the article's decisions are folded
                    base = self._base(aid, cid, files[aid])
            except StoreError:
                return None  # a damaged article: its decisions teach nothing (doctor reports it)
            return base

        self._desk.sync(base_of, need_model=need_model)
        return self._desk

    def with_desk(self, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``claims`` with their ``desk_checkworthiness`` (the extractor's score, corrected by the desk)."""
        desk = self.desk
        for claim in claims:
            if claim.get("kind") == "claim":
                claim["desk_checkworthiness"] = desk.score(claim)
        return claims

    def desk_score(self, claim: dict[str, Any]) -> float:
        """One claim's desk check-worthiness (after learning every decision so far)."""
        return self.desk.score(claim)

    def desk_scores(self, article_id: str, *, view: str | None = None) -> dict[str, float]:
        """Candidate id -> desk check-worthiness of the article's claims."""
        desk = self.desk
        return {c["id"]: desk.score(c) for c in self.candidates(article_id, "claim", view=view)}

    def desk_report(self) -> dict[str, Any]:
        """How the desk's correction stands: decisions learnt, trust, held-out figures (see
        :meth:`tui.store.correction.DeskCorrection.report`)."""
        return self._desk_synced(need_model=False).report()

    # -- summary -----------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, dict[str, int]] = {"entity": {}, "claim": {}}
        decided_by: dict[str, int] = {}
        adjudicated_by: dict[str, int] = {}
        for aid in self._articles:
            entry = self._summary_of(aid)
            counts = self.model_counts(aid)
            if entry is not None:
                for key, n in entry["alive"].items():
                    counts[key] = counts.get(key, 0) + n
            for key, n in counts.items():
                if self._in_scope(key):
                    kind = "claim" if key == CLAIM_KEY else "entity"
                    by_kind[kind]["pending"] = by_kind[kind].get("pending", 0) + n
            if entry is None:
                continue
            for key, statuses in entry["final"].items():
                if not self._in_scope(key):
                    continue
                kind = "claim" if key == CLAIM_KEY else "entity"
                for status, n in statuses.items():
                    by_kind[kind]["pending"] -= n
                    by_kind[kind][status] = by_kind[kind].get(status, 0) + n
            for who, keys in entry["decided"].items():
                decided_by[who] = decided_by.get(who, 0) + sum(n for k, n in keys.items() if self._in_scope(k))
            for who, keys in entry.get("adjudicated", {}).items():
                adjudicated_by[who] = adjudicated_by.get(who, 0) + sum(n for k, n in keys.items() if self._in_scope(k))
        stats = self.engine.stats()
        reviewers = {
            who: {
                "decisions": stats.get(who, (0, None))[0],
                "decided": decided_by.get(who, 0),
                "adjudicated": adjudicated_by.get(who, 0),
            }
            for who in sorted(set(stats) | set(decided_by) | set(adjudicated_by))
        }
        stamps = [at for _, at in stats.values() if at] + ([self._added_latest] if self._added_latest else [])
        total = sum(sum(v.values()) for v in by_kind.values())
        decided = sum(n for v in by_kind.values() for s, n in v.items() if s in DECIDED)
        return {
            "engine": self.engine.kind,
            "path": self.location,
            "server": getattr(self.engine, "server", None),
            "size": self.engine.size(),
            "articles": len(self._articles),
            "candidates": by_kind,
            "decided": decided,
            "total": total,
            "disputed": sum(v.get("disputed", 0) for v in by_kind.values()),
            "reviewers": reviewers,
            "last_activity": max(stamps, default=None),
            "decisions": sum(n for n, _ in stats.values()),
            "assigned": self.assignments.count(),
            "removed": len(self._removed),
            "labels": self.labels,
            "leads": self.leads,
            "models": self._trained_models(),
            "damaged_articles": self._missing_files(),
        }

    def _missing_files(self) -> list[str]:
        """Articles whose file is gone (engines that keep files: a folder); what doctor will report."""
        check = getattr(self.engine, "missing_articles", None)
        return check(self._articles.values()) if callable(check) else []

    def _trained_models(self) -> list[dict[str, Any]]:
        folder = getattr(self.engine, "folder", None)
        if folder is None:
            return []
        from ..training.models import trained_models

        return trained_models(Path(folder))


def _label_counts(entities: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ent in entities:
        out[ent["label"]] = out.get(ent["label"], 0) + 1
    return out


_AGREE_BASE = ("id", "kind", "label", "origin", "quote_type")  # what agreement reads of a candidate
_AGREE_STATE = ("status", "start", "end", "label", "quote_type")  # and of each reviewer's version


def _span_key(cand: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two candidates the same proposal: an entity's span and label, a claim's span."""
    if cand.get("kind") == "entity":
        return ("entity", cand.get("start"), cand.get("end"), cand.get("label"))
    return (cand.get("kind"), cand.get("start"), cand.get("end"))
