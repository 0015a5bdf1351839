"""Who reviews which article: assignments with overlap, and leases so work never waits on an absent
reviewer. Pure bookkeeping over the store's ``assignments`` and ``takes`` records; no I/O.

- An assignment gives an article ``k`` reviewers (the overlap) from a team, chosen deterministically:
  the least loaded members first, ties broken by a hash of article id and name — the same store,
  team and overlap always give the same plan, and new articles spread evenly over the team.
- An assignee who has not decided anything on the article within the lease (24 h by default), and
  does not have it open, can be relieved by anyone not assigned to it: a *take* records who took it
  from whom, and the lease of the one who took it runs from then.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

Claim = Literal["mine", "open", "takeable", "theirs"]

#: a lease when none is given, and the longest one taken (about 114 years)
DEFAULT_LEASE_HOURS = 24.0
MAX_LEASE_HOURS = 1e6


def check_lease(hours: object) -> float:
    """A lease given by a lead: a number of hours above 0 (ValueError otherwise, naming it)."""
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= MAX_LEASE_HOURS:
        raise ValueError(f"the lease must be a number of hours above 0 and at most {MAX_LEASE_HOURS:g}, not {hours!r}")
    return float(hours)


def lease_of(doc: dict[str, Any]) -> float:
    """A stored assignment's lease in hours; one that is no usable number (a record written before
    leases were checked: NaN was stored as null) counts as the default rather than stopping every
    reader."""
    try:  # above the maximum: "practically never", as an older release took it
        return check_lease(min(doc.get("lease_hours", DEFAULT_LEASE_HOURS), MAX_LEASE_HOURS))
    except (TypeError, ValueError):  # null, NaN (min keeps it), a string, a bool
        return DEFAULT_LEASE_HOURS


def _tiebreak(article: str, name: str) -> str:
    return hashlib.sha1(f"{article}\x00{name}".encode("utf-8", "surrogatepass")).hexdigest()


class Assignments:
    def __init__(self, offset: Callable[[], float] = lambda: 0.0) -> None:
        #: seconds from this machine's clock to the store's (leases run on the store's clock: QA, a
        #: reviewer whose clock was 2 h ahead took an article over an hour early)
        self.offset = offset
        self._assigned: dict[str, dict[str, Any]] = {}  # article -> its (latest) assignment record
        self._holders: dict[str, list[str]] = {}  # article -> current assignees (takes applied)
        self._started: set[tuple[str, str]] = set()  # (article, reviewer) with at least one decision
        self._since: dict[tuple[str, str], str] = {}  # (article, reviewer) -> when a take made them its holder

    def fold(self, table: str, doc: dict[str, Any]) -> None:
        aid = doc["article"]
        if table == "assignments":
            self._assigned[aid] = doc
            self._holders[aid] = list(doc["reviewers"])
        elif table == "takes":
            holders = self._holders.get(aid)
            if holders is not None and doc["from"] in holders and doc["to"] not in holders:
                holders[holders.index(doc["from"])] = doc["to"]
                self._since[(aid, doc["to"])] = doc["at"]

    def started(self, article: str, reviewer: str) -> None:
        self._started.add((article, reviewer))

    def count(self) -> int:
        return len(self._assigned)

    def assignees(self, article: str) -> list[str]:
        return list(self._holders.get(article, []))

    def load(self) -> Counter[str]:
        return Counter(name for holders in self._holders.values() for name in holders)

    def expired(self, article: str, now: datetime | None = None) -> list[str]:
        """Assignees who have not started the article within its lease — counted from the assignment,
        or for one who took it over, from the take (QA: a take made at once takeable again)."""
        doc = self._assigned.get(article)
        if doc is None:
            return []
        lease = timedelta(hours=lease_of(doc))
        now = now or datetime.now(UTC) + timedelta(seconds=self.offset())
        return [
            name
            for name in self._holders.get(article, [])
            if (article, name) not in self._started
            and now - datetime.fromisoformat(self._since.get((article, name), doc["at"])) >= lease
        ]

    def claim(self, article: str, reviewer: str, present: frozenset[str] | None = None) -> Claim:
        """Whose the article is for ``reviewer``. With ``present`` (who has it open now), "takeable" only
        if an expired assignee could be relieved now — not one reading it (QA: the queue said
        "takeable" while the assignee had it open, and a decision then took nothing over)."""
        holders = self._holders.get(article)
        if holders is None:
            return "open"
        if reviewer in holders:
            return "mine"
        if not self.expired(article):
            return "theirs"
        if present is not None and self.takeable_from(article, reviewer, present) is None:
            return "theirs"
        return "takeable"

    def takeable_from(self, article: str, reviewer: str, present: frozenset[str] = frozenset()) -> str | None:
        """The assignee ``reviewer`` may relieve: one whose lease ran out, and who does not have the
        article open right now (``present``) — someone reading it is on it, decided or not."""
        if reviewer in self._holders.get(article, []):
            return None
        expired = [name for name in self.expired(article) if name not in present]
        return expired[0] if expired else None

    def plan(self, articles: list[str], team: list[str], overlap: int) -> dict[str, list[str]]:
        """Reviewers for each of ``articles`` not assigned yet (existing assignments are kept)."""
        members = list(dict.fromkeys(team))
        if not members:
            raise ValueError("the team is empty: name at least one reviewer")
        if not 1 <= overlap <= len(members):
            raise ValueError(f"overlap must be from 1 to the team size ({len(members)}), got {overlap}")
        load = self.load()
        plan: dict[str, list[str]] = {}
        for aid in articles:
            if aid in self._holders:
                continue
            chosen = sorted(members, key=lambda m: (load[m], _tiebreak(aid, m)))[:overlap]
            for name in chosen:
                load[name] += 1
            plan[aid] = chosen
        return plan
