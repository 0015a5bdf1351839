"""The desk's correction of check-worthiness, kept by the store (issue #14).

:class:`DeskCorrection` holds one :class:`extractors.correction.CorrectionModel` per store. It learns
from every reviewer's decisions on claims — accept, edit, add (accepted) and reject, and a lead's
adjudications — in the order they were made (time, then reviewer, then journal order), and gives each
claim a ``desk_checkworthiness``: the extractor's score corrected to what this desk accepts.

It is lazy: opening a store does nothing here. The first claim list, export or status that asks
(:meth:`DeskCorrection.sync`) reads the decisions the model has not learnt from yet, through the
engine's per-reviewer journals newest first (:meth:`Engine.recent`), learns from them, and — for a
store in a folder — saves the model in ``cache/correction.json``. That cache is derived data and is
never trusted blindly: it names, per reviewer, how many journal records it learnt from and the id of
the last one; it is used only if every such journal still has that record at that place (else the
model is rebuilt from all decisions), and only the records after it are learnt. It also names the
claims whose decisions it passed over because no article held them (an article an older index had
lost, a damaged file); when one of them is found again (an ``add`` indexed the article anew,
``doctor --repair``), the model is rebuilt.

The held-out figure is *progressive validation*: each decision is predicted (corrected score, and the
extractor's own) before the model learns from it; :meth:`DeskCorrection.report` gives log loss and
average precision of both over the last :data:`WINDOW` claim decisions.

No Textual, no spaCy: the model is numpy only.
"""

from __future__ import annotations

import contextlib
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreError
from .files import atomic_write, make_folder, read_file, sealed, unsealed

if TYPE_CHECKING:
    from extractors.correction import CorrectionModel

    from .engine import Engine

#: 2: sealed with a CRC-32 line (files.sealed): an edited cache is not believed; 3: names the claims it
#: passed over (``skipped``) — a cache from before did not, so it is learnt anew once
CACHE_VERSION = 3
CACHE_FILE = "correction.json"
#: the held-out figures are over this many of the latest claim decisions
WINDOW = 500
#: what a decision says about a claim: accepted (True), rejected (False); other actions say nothing
LEARNT = {"accept": True, "edit": True, "add": True, "reject": False}
#: a claim's status after a decision that accepted it
ACCEPTED_STATUSES = ("accepted", "edited", "added")

#: the extractor's score is clipped as the model clips it (extractors.correction.EPS, not imported: numpy)
EPS = 1e-3
#: (article, candidate id) -> the claim as the decision saw it (before the record's own changes)
BaseOf = Callable[[str, str], dict[str, Any] | None]


def verdict(record: Mapping[str, Any]) -> bool | None:
    """Whether a decision record accepted (True) or rejected (False) its claim; None if it says neither
    (undo, redo, an entity's decision)."""
    if record.get("kind") != "claim":
        return None
    action = record.get("action")
    if action == "adjudicate":
        status = (record.get("result") or {}).get("status")
        return None if status is None else status != "rejected"
    return LEARNT.get(str(action))


def step_verdict(record: Mapping[str, Any]) -> tuple[bool, bool] | None:
    """For an undo or redo of a claim decision: (True to learn again / False to unlearn, what the
    decision said: accepted or rejected); None for anything else."""
    if record.get("kind") != "claim" or record.get("action") not in ("undo", "redo"):
        return None
    undo = record.get("action") == "undo"
    status = ((record.get("before") if undo else record.get("after")) or {}).get("status")
    if status not in ACCEPTED_STATUSES and status != "rejected":
        return None  # it undid (or redid) something that said neither
    return (not undo, status in ACCEPTED_STATUSES)


def _order(record: Mapping[str, Any]) -> tuple[str, str, int]:
    return (str(record.get("at") or ""), str(record.get("reviewer") or ""), int(record.get("seq") or 0))


def log_loss(pairs: Iterable[tuple[float, bool]]) -> float | None:
    total, n = 0.0, 0
    for p, y in pairs:
        p = min(1 - 1e-6, max(1e-6, p))
        total -= math.log(p if y else 1 - p)
        n += 1
    return total / n if n else None


def average_precision(pairs: Iterable[tuple[float, bool]]) -> float | None:
    ranked = sorted(pairs, key=lambda py: -py[0])
    hits, total = 0, 0.0
    for rank, (_, y) in enumerate(ranked, 1):
        if y:
            hits += 1
            total += hits / rank
    return total / hits if hits else None


class DeskCorrection:
    """The store's correction model, learnt lazily and incrementally from the journals. numpy (the
    model) is imported only when a claim is scored or a decision learnt: a ``status`` whose cache is
    up to date reads the figures from the cache alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        folder = getattr(engine, "folder", None)
        self.cache_path: Path | None = None if folder is None else Path(folder) / "cache" / CACHE_FILE
        self._model: CorrectionModel | None = None
        self._state: dict[str, Any] | None = None  # the cached model state, made a model when needed
        self._trust = 0.0  # the cached model's trust (report without the model)
        self.learnt: dict[str, int] = {}  # reviewer -> journal records read (claims or not)
        self.last: dict[str, str] = {}  # reviewer -> id of the last record read
        self.decisions = 0  # claim decisions learnt from
        #: (article, candidate) of claim decisions passed over because no article held the claim (an
        #: article an older index had lost, a damaged file): if one is found again, all is learnt anew
        self.skipped: set[tuple[str, str]] = set()
        self.window: deque[tuple[float, float, bool]] = deque(maxlen=WINDOW)  # (desk, extractor, accepted)
        self.loaded = False  # the cache was looked at
        self.verified = False  # what the cache learnt from was checked against the journals
        self.dirty = False  # learnt something the cache does not hold
        self.syncs = 0  # times the journals were read (tests count them: opening a store must not)

    @property
    def model(self) -> CorrectionModel:
        """The model (from the cache's state, or new); ValueError if the cached state is not one."""
        if self._model is None:
            from extractors.correction import CorrectionModel

            self._model = CorrectionModel() if self._state is None else CorrectionModel.from_dict(self._state)
            self._state = None
        return self._model

    def _usable(self) -> bool:
        try:
            return self.model is not None
        except ValueError:
            return False

    # -- learning ------------------------------------------------------------------------------------

    def sync(self, base_of: BaseOf, *, need_model: bool = True) -> None:
        """Learn from every decision not learnt yet (``base_of`` gives a decided claim as it stood).
        ``need_model``: the caller scores claims (else only the figures are wanted)."""
        found_again = False
        if not self.loaded:
            self.loaded = True
            self._load_cache()
            # an `add` that indexed an article again, or `doctor --repair`, since the cache was written
            found_again = any(base_of(*key) is not None for key in sorted(self.skipped))
        stats = self.engine.stats()
        usable = not need_model or self._usable()
        current = set(self.learnt) <= set(stats) and all(self.learnt.get(w, 0) == n for w, (n, _) in stats.items())
        if self.verified and current and usable and not found_again:
            return
        self.syncs += 1
        fresh: list[dict[str, Any]] = []
        verified = usable and set(self.learnt) <= set(stats) and not found_again
        for who, (count, _) in stats.items() if verified else ():
            known = self.learnt.get(who, 0)
            new, last = self._newer(who, count, known)
            if known and last != self.last.get(who):
                verified = False
                break
            fresh += new
        if verified and fresh and not self._usable():
            verified = False
        if not verified:  # a journal is not what the cache learnt from, or the cache is not a model
            self._reset()
            fresh = []
            for who, (count, _) in stats.items():
                fresh += self._newer(who, count, 0)[0]
        self.verified = True
        fresh.sort(key=_order)
        if fresh:
            try:
                self._learn_all(fresh, base_of, rebuilding=not verified)
            except _Rebuild:
                # an undo of a decision the model's log no longer holds (learnt by an earlier process:
                # the log is in memory only): a reversed step would leave the scores depending on when
                # the cache was written (QA: the export differed from a rebuild after accept, undo in
                # two runs) — the model is learnt again from every decision, where the log reaches it
                self._reset()
                fresh = []
                for who, (count, _) in stats.items():
                    fresh += self._newer(who, count, 0)[0]
                fresh.sort(key=_order)
                self._learn_all(fresh, base_of, rebuilding=True)
            self.dirty = True
        for who, (count, _) in stats.items():
            if count:
                self.learnt[who] = count
        for record in fresh:
            self.last[str(record["reviewer"])] = str(record["id"])

    def _learn_all(self, fresh: list[dict[str, Any]], base_of: BaseOf, *, rebuilding: bool) -> None:
        """Learn ``fresh`` in order. Raises :class:`_Rebuild` (unless ``rebuilding``, from every
        decision already) when an undo takes back a decision the model's log does not hold."""
        from extractors.correction import claim_features

        features: dict[tuple[str, str], Any] = {}  # one claim decided by several reviewers: once
        undone: list[Mapping[str, Any]] = []  # a run of undos, taken back together
        for record in fresh:
            if record.get("action") == "undo" and step_verdict(record) is not None:
                undone.append(record)
                continue
            self._take_back(undone, base_of, claim_features, rebuilding=rebuilding)
            undone = []
            self._learn(record, base_of, claim_features, features)
        self._take_back(undone, base_of, claim_features, rebuilding=rebuilding)

    def _newer(self, who: str, count: int, known: int) -> tuple[list[dict[str, Any]], str | None]:
        """A reviewer's records after the first ``known`` (oldest first), and the id of record ``known``."""
        new: list[dict[str, Any]] = []
        last = None
        for record in self.engine.recent(who):
            if len(new) < count - known:
                new.append(record)
                continue
            last = str(record.get("id"))
            break
        new.reverse()
        return new, last

    def _learn(
        self,
        record: Mapping[str, Any],
        base_of: BaseOf,
        claim_features: Callable[[Mapping[str, Any]], Any],
        memo: dict[tuple[str, str], Any],
    ) -> None:
        accepted = verdict(record)
        step = step_verdict(record) if accepted is None else None
        if accepted is None and step is None:
            return
        key = (str(record["article"]), str(record["candidate"]))
        if step is not None:  # a redo teaches again what the decision it redoes taught
            target = str(record.get("target"))
            if self.model.relearn(target):  # exactly: the features it had, an edit's values included
                self.decisions += 1
                return
            base = base_of(*key)  # taken back too long ago (or before a restart): the claim as extracted
            if base is not None:
                self.model.update(claim_features(base), step[1], key=target)
                self.decisions += 1
            else:
                self.skipped.add(key)
            return
        if accepted is None:
            return
        claim = record.get("added") if record.get("action") == "add" else None
        values = {**(record.get("changes") or {}), **((record.get("result") or {}).get("values") or {})}
        if claim is None:
            base = base_of(*key)
            if base is None:
                self.skipped.add(key)
                return  # a claim no extraction or addition holds any more (doctor repairs it)
            claim = {**base, **values} if values else base
        # features of the claim as this record decides it: as extracted (computed once per sync), or
        # with this record's own edit — never another record's edit, which a sync from the cache would
        # not see (QA: the desk's scores then depended on when the cache was written)
        if values:
            features, extractor = claim_features(claim), float(claim.get("checkworthiness") or 0.0)
        else:
            if key not in memo:
                memo[key] = (claim_features(claim), float(claim.get("checkworthiness") or 0.0))
            features, extractor = memo[key]
        model = self.model
        self.window.append((model.score(features), min(1 - EPS, max(EPS, extractor)), accepted))
        model.update(features, accepted, key=str(record.get("id")))
        self.decisions += 1

    def _take_back(
        self,
        undos: list[Mapping[str, Any]],
        base_of: BaseOf,
        claim_features: Callable[[Mapping[str, Any]], Any],
        *,
        rebuilding: bool,
    ) -> None:
        """Undo records (of claim decisions): what the decisions they undo taught is taken back —
        exactly while the model's log reaches them; else, learning from every decision anew, by a
        reversed step (:meth:`CorrectionModel.unlearn`), and otherwise by learning anew
        (:class:`_Rebuild`)."""
        if not undos:
            return
        older = self.model.forget(str(r.get("target")) for r in undos)
        if older and not rebuilding:
            raise _Rebuild
        for record in undos:
            if str(record.get("target")) in older:
                base = base_of(str(record["article"]), str(record["candidate"]))
                step = step_verdict(record)
                if base is None or step is None:
                    continue
                self.model.unlearn(claim_features(base), step[1])
            self.decisions -= 1

    def _reset(self) -> None:
        from extractors.correction import CorrectionModel

        self._model, self._state = CorrectionModel(), None
        self.learnt, self.last, self.decisions = {}, {}, 0
        self.skipped = set()
        self.window.clear()
        self.dirty = True

    # -- scoring -------------------------------------------------------------------------------------

    def score(self, claim: Mapping[str, Any]) -> float:
        """The corrected check-worthiness of a claim (its extractor's score, corrected by the desk)."""
        from extractors.correction import claim_features

        return round(self.model.score(claim_features(claim)), 4)

    def report(self) -> dict[str, Any]:
        """What the model learnt and how well it predicts the desk (progressive validation)."""
        window = list(self.window)
        desk = [(d, y) for d, _, y in window]
        extractor = [(e, y) for _, e, y in window]
        return {
            "decisions": self.decisions,
            "trust": round(self._model.trust() if self._model is not None else self._trust, 4),
            "window": len(window),
            "accepted": sum(y for _, _, y in window),
            "log_loss": _rounded(log_loss(desk)),
            "log_loss_extractor": _rounded(log_loss(extractor)),
            "average_precision": _rounded(average_precision(desk)),
            "average_precision_extractor": _rounded(average_precision(extractor)),
        }

    # -- the cache -----------------------------------------------------------------------------------

    def _load_cache(self) -> None:
        if self.cache_path is None:
            return
        try:
            data = unsealed(read_file(self.cache_path))
        except OSError:
            return
        try:
            if not isinstance(data, dict) or data.get("v") != CACHE_VERSION:
                return
            learnt, last, state = data["learnt"], data["last"], data["model"]
            if not (isinstance(learnt, dict) and isinstance(last, dict) and isinstance(state, dict)):
                return
            if not all(isinstance(n, int) and n >= 0 and isinstance(last.get(w), str) for w, n in learnt.items()):
                return
            window = [(float(d), float(e), bool(y)) for d, e, y in data["window"]]
            decisions, trust = int(data["decisions"]), float(data["trust"])
            skipped = data["skipped"]
            if not (isinstance(skipped, list) and all(_key_like(k) for k in skipped)):
                return
            skipped = {(k[0], k[1]) for k in skipped}
        except (KeyError, TypeError, ValueError):
            return  # a cache of another shape: the model is rebuilt from the journals
        self._state, self._trust = state, trust
        self.learnt, self.last, self.decisions = dict(learnt), dict(last), decisions
        self.skipped = skipped
        self.window.extend(window[-WINDOW:])

    def save(self) -> None:
        """Keep what was learnt in ``cache/correction.json`` (the store calls it on close)."""
        if self.cache_path is None or not self.dirty or self._model is None:
            return
        data = {
            "v": CACHE_VERSION,
            "learnt": self.learnt,
            "last": self.last,
            "decisions": self.decisions,
            "trust": self._model.trust(),
            "window": [list(w) for w in self.window],
            "skipped": sorted(self.skipped),
            "model": self._model.to_dict(),
        }
        with contextlib.suppress(StoreError, OSError):  # derived data: a store that cannot take it rebuilds
            make_folder(self.cache_path.parent, exist_ok=True)
            atomic_write(self.cache_path, sealed(data), durable=False)
            self.dirty = False


def _key_like(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


class _Rebuild(Exception):
    """The model must learn again from every decision (see :meth:`DeskCorrection.sync`)."""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
