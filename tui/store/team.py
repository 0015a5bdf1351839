"""The desk: its reviewers, assignments and take-overs, presence, its leads and the settings they
keep (the label set, the memory's suggestions)."""

from __future__ import annotations

import unicodedata
from typing import Any

from ..sanitize import clean_line
from . import validation
from .assign import check_lease
from .core import StoreCore
from .engine import IndexRecord
from .errors import NotALead


class TeamMixin(StoreCore):
    """Who is on the desk and what it has agreed to work with."""

    def reviewers(self) -> list[str]:
        return sorted({who for names in self._touched.values() for who in names})

    def look_alikes(self, name: str | None = None) -> list[str]:
        """Names of the desk (reviewers with decisions, assignees, leads) that differ from ``name`` (this
        store's reviewer by default) only in case, width or punctuation — "Alice" for "alice", "a.smith"
        for "asmith" —, when ``name`` itself has decided nothing here yet: most likely one person under
        two names, whose decisions would then count as two reviewers'. Empty otherwise."""
        name = self.reviewer if name is None else name
        desk = set(self.reviewers())
        if name in desk:
            return []
        desk |= set(self.assignments.load()) | set(self.leads or ())
        key = name_key(name)
        if not key:
            return []
        return sorted(other for other in desk if other != name and name_key(other) == key)

    def look_alike_warning(self, switch: str = "quit and use --reviewer {name}") -> str | None:
        """One line for the reviewer when :meth:`look_alikes` finds any (the CLI and the app say it);
        ``switch``: how to work under the other name where the warning is read (``{name}`` is it)."""
        others = self.look_alikes()
        if not others:
            return None
        shown = ", ".join(f"'{clean_line(o, 64)}'" for o in others[:3])
        return (
            f"reviewer '{clean_line(self.reviewer, 64)}' has decided nothing on this store yet, but {shown} "
            f"{'is' if len(others) == 1 else 'are'} on its desk: if that is you, "
            f"{switch.format(name=clean_line(others[0], 64))} — decisions under two names count as two reviewers'"
        )

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
        at = self.stamp()
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
            return None  # (the common case, every apply line: no look at the store)
        # QA: a long-running apply decided on what it saw at its start — an assignee who had started
        # since, or a take by another reviewer, went unseen, and it took the article all the same
        self.refresh(hold=True)
        if self.assignments.claim(article_id, self.reviewer) != "takeable":
            return None
        present = frozenset(who for who, p in self.presence().items() if p.get("article") == article_id)
        absent = self.assignments.takeable_from(article_id, self.reviewer, present)
        if absent is None:
            return None
        doc = {"article": article_id, "from": absent, "to": self.reviewer, "at": self.stamp()}
        seen = self.engine.append_index([("takes", doc)])
        for table, row in [*seen, ("takes", doc)]:
            self._fold_index(table, row)
        return absent

    def presence(self) -> dict[str, dict[str, Any]]:
        return self.engine.presence()

    def set_presence(self, article_id: str | None) -> None:
        if self.mode == "review":
            self.engine.set_presence(self.reviewer, article_id)

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

    def _set_setting(self, key: str, value: Any) -> None:
        """Record a store setting in the index (the latest record of a key stands)."""
        doc = {"key": key, "value": value, "by": self.reviewer, "at": self.stamp()}
        seen = self.engine.append_index([("settings", doc)])
        for table, row in [*seen, ("settings", doc)]:
            self._fold_index(table, row)

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

    def in_export(self, cand: dict[str, Any]) -> bool:
        """Whether the default export holds this candidate: in review's scope (:meth:`in_scope`), and
        an entity's label after review in the set too (QA: "Iran" relabelled LOC, LOC then left out of
        the set, was still exported as LOC; a label typed whole that the set lacks likewise)."""
        if not self.in_scope(cand):
            return False
        labels = self.labels
        return labels is None or cand["kind"] != "entity" or cand["label"] in labels


def name_key(name: str) -> str:
    """What two reviewer names that look alike share: compatibility-normalised, case-folded, without
    punctuation, spaces and symbols (marks stay: review — "राम" and "रम" are two names)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")
