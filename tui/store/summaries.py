"""Per-article summaries (what the cache keeps: decided per reviewer, final statuses, live additions),
and the progress and store summary counted from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from extractors.vocabulary import DECIDED

from . import progress, versions, views
from .core import CLAIM_KEY, StoreCore, scope_key
from .errors import StoreDamaged
from .memory import facts
from .views import ADJUDICATION, REVIEW

SUMMARY_VERSION = 7  # what an article's summary holds; an engine's summaries of another version are ignored
# (7: proposals a decision stands on count in the total, kept as decided — see decided_proposals)
# (6: "done", what each reviewer's own view shows decided — a lead's rulings where she made no review)
# (5: the memory's facts learn one-sided trims — saved facts of version 4 lack them)
_AGREE_BASE = ("id", "kind", "label", "origin", "quote_type")  # what agreement reads of a candidate
_AGREE_STATE = ("status", "start", "end", "label", "quote_type")  # and of each reviewer's version


class SummariesMixin(StoreCore):
    """Progress and summaries."""

    def _current_summaries(self, entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The engine's cached summaries that still hold: of this version, and of the article's current
        extraction."""
        return {
            aid: e
            for aid, e in entries.items()
            if isinstance(e, dict) and e.get("v") == SUMMARY_VERSION and e.get("x", 0) == self._extraction_no(aid)
        }

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
        entry: dict[str, Any] = {
            "v": SUMMARY_VERSION,
            "decided": {},
            "done": {},
            "adjudicated": {},
            "final": {},
            "alive": {},
        }
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
        if base is None and cid.startswith("e-") and cid not in added and views.standing(hists):
            base = self._legacy_proposal(aid, cid)
        if base is None:
            return None
        undone = cid in added and cid not in originals and alive.get(cid, 0) <= 0
        # an addition undone is out of the counts — unless it is a proposal a decision stands on (as
        # decided_proposals has it)
        if undone and not (cid in self._proposed.get(aid, {}) and views.standing(hists)):
            return None
        whos = tuple(who for (who, role), hist in hists.items() if role == REVIEW and hist.status in DECIDED)
        settled = views.in_effect(hists)
        judges = (settled.record["reviewer"],) if settled is not None else ()
        rulers = (who for (who, role), hist in hists.items() if role == ADJUDICATION and hist.top is not None)
        done = tuple(sorted({*whos, *rulers}))  # as views.own shows it: a ruling where no review is
        return scope_key(base), whos, judges, self.final_status(aid, cid), done

    def _legacy_proposal(self, aid: str, cid: str) -> dict[str, Any] | None:
        """A proposal decided on before decisions kept it ("proposed"), found among what the vocabulary
        proposes today, and kept as such from then on (QA re-test: such rejections counted nowhere)."""
        found = self.proposals(aid).get(cid)
        if found is not None:
            self._proposed.setdefault(aid, {})[cid] = found
        return found

    def _live(self, aid: str, originals: dict[str, dict[str, Any]]) -> dict[str, int]:
        """What counts besides the machine's candidates: live additions, and proposals a decision
        stands on (an accepted one is an addition; a rejected one counts as decided, so in the total)."""
        added, live = self._added.get(aid, {}), dict[str, int]()
        for cid, n in self._alive.get(aid, {}).items():
            if n > 0 and cid not in originals:
                key = scope_key(added[cid])
                live[key] = live.get(key, 0) + 1
        for cid, base in self.decided_proposals(aid).items():
            if cid not in originals:
                key = scope_key(base)
                live[key] = live.get(key, 0) + 1
        return live

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

    def has_rulings(self, article_id: str) -> bool:
        """Whether a lead's ruling settles any candidate of the article (in scope)."""
        entry = self._summary_of(article_id)
        if entry is None:
            return False
        return any(n for keys in entry.get("adjudicated", {}).values() for k, n in keys.items() if self._in_scope(k))

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

    def decided_items(
        self, kind: str | None = None, *, damaged: set[str] | None = None
    ) -> Iterable[tuple[str, dict[str, Any], dict[str, dict[str, Any]]]]:
        """For agreement: (article, the candidate as extracted or added, {reviewer: their state}) for
        every candidate at least one reviewer decided, article by article. With ``damaged``, an article
        whose file is missing or cannot be read is left out and its id added there (QA: agreement
        counted it from the cache and said nothing — or, with no cache, failed store-wide)."""
        missing = set(self.missing_article_files()) if damaged is not None else set()
        for aid in self.article_ids():
            if aid not in self._touched:
                continue
            if aid in missing and damaged is not None:
                damaged.add(aid)
                continue
            entry = self._entries.get(aid) if aid not in self._folded else None
            rows = None if entry is None else entry["agree"] if "agree" in entry else self._log.agree(aid)
            if rows is not None:  # what agreement needs, kept in the cache
                for base, states in rows:
                    if kind is None or base["kind"] == kind:
                        yield aid, base, states
                continue
            if damaged is None:
                yield from self._decided_items(aid, kind)
                continue
            try:
                items = list(self._decided_items(aid, kind))  # the file is read before the first item
            except StoreDamaged:
                damaged.add(aid)
                continue
            yield from items

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

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, dict[str, int]] = {"entity": {}, "claim": {}}
        decided_by: dict[str, int] = {}
        adjudicated_by: dict[str, int] = {}
        unreadable: list[str] = []
        for aid in self._articles:
            try:
                entry = self._summary_of(aid)
            except StoreDamaged:  # QA: with no cached summary one damaged article failed the whole status
                entry = None
                unreadable.append(aid)
            try:
                counts = self.model_counts(aid)
            except StoreDamaged:  # an article indexed with no label counts (a format-1 store's): its file
                counts = {}  # is read for them, and it is gone (QA: status failed store-wide)
                unreadable.append(aid)
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
        reextracted = self._reextractions()
        if reextracted is not None and isinstance(reextracted["last"].get("at"), str):
            stamps.append(reextracted["last"]["at"])  # a re-extraction is activity (QA: status said nothing)
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
            "reopened": len(versions.reopened_items(self)),  # type: ignore[arg-type]  # (a mixin of it)
            "reviewers": reviewers,
            "last_activity": max(stamps, default=None),
            "decisions": sum(n for n, _ in stats.values()),
            "assigned": self.assignments.count(),
            "removed": len(self._removed),
            "labels": self.labels,
            "leads": self.leads,
            "models": self._trained_models(),
            "reextracted": reextracted,
            "damaged_articles": sorted({*self.missing_article_files(), *unreadable}),
        }

    def _reextractions(self) -> dict[str, Any] | None:
        """How many articles were re-extracted, and the latest re-extraction (when, by whom, with which
        model); None if none was."""
        docs = [doc for aid, log in self._extraction_log.items() if aid in self._articles for doc in log]
        if not docs:
            return None
        last = max(docs, key=lambda doc: str(doc.get("at") or ""))
        return {
            "articles": sum(1 for aid, log in self._extraction_log.items() if aid in self._articles and log),
            "runs": len(docs),
            "last": {k: last.get(k) for k in ("at", "by", "model")},
        }

    def missing_article_files(self) -> list[str]:
        """Articles whose file is gone or not a file (engines that keep files: a folder; one stat each,
        ``doctor`` reads them all)."""
        check = getattr(self.engine, "missing_articles", None)
        return check(self._articles.values()) if callable(check) else []

    def _trained_models(self) -> list[dict[str, Any]]:
        folder = getattr(self.engine, "folder", None)
        if folder is None:
            return []
        from ..training.models import trained_models

        return trained_models(Path(folder))
