"""What the desk teaches the store: the memory's facts and proposals, and the desk's correction of
check-worthiness (issue #14)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from . import views
from .core import StoreCore
from .errors import StoreDamaged, StoreError
from .memory import Memory, facts

if TYPE_CHECKING:
    from .correction import DeskCorrection


class LearningMixin(StoreCore):
    """The desk memory and the check-worthiness correction."""

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
                    found = self._article_facts(aid)
                self._facts[aid] = found
                self._memory.add(found)
            self._facts_stale.clear()
        for aid in list(self._facts_stale):
            self._memory.add(self._facts.pop(aid, []), -1)
            if aid in self._articles:
                found = self._article_facts(aid)
                self._facts[aid] = found
                self._memory.add(found)
            self._facts_stale.discard(aid)
            self._proposals.clear()  # the vocabulary may have changed
        return self._memory

    def labels_given(self) -> Counter[str]:
        """Entity labels the desk's final view holds that analysts gave (added entities, relabels), with
        how many entities have each — the articles' index records count only what the machine gave."""
        return self.memory().labels_given()

    def _article_facts(self, aid: str) -> list[tuple[Any, ...]]:
        """The desk's facts in one article's final view; none from a damaged article (QA: with the
        cache deleted, one damaged article's error escaped from every other article's candidates —
        status, export and apply failed on healthy ones). Doctor, export and status name it."""
        try:
            return facts(self.candidates(aid, view="final", plain=True))
        except StoreDamaged:
            return []

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
            # and the spans reviewers gave the entities they kept (QA: "Ivanka" widened to "Ivanka
            # Trump" left a proposal of "Trump" inside it)
            added = self._added.get(article_id, {})
            for cid, hists in self._reviews.get(article_id, {}).items():
                base = originals.get(cid) or added.get(cid)
                if base is None or base.get("kind") != "entity":
                    continue
                covered += [
                    (v["start"], v["end"])
                    for _, v in views.versions(base, hists)
                    if v.get("status") in ("accepted", "edited", "added")
                ]
            found = {c["id"]: c for c in memory.proposals(article, covered) if self.in_scope(c)}
            self._proposals[article_id] = found
        return found

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
