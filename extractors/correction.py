"""A desk's correction of check-worthiness: a small online model, one per review store, that learns
from the desk's accept/reject decisions on claims how far to trust the extractor's score.

    from extractors.correction import CorrectionModel, claim_features

    model = CorrectionModel()                      # new store: scores equal the extractor's
    f = claim_features(candidate)                  # a claim candidate (ClaimRecord or a store row)
    model.score(f)                                 # corrected check-worthiness, 0..1
    model.update(f, accepted=True)                 # after the desk decided on that claim
    state = model.to_dict(); CorrectionModel.from_dict(state)   # JSON-safe

The model is a logistic regression ``P(accept) = σ(a·logit(s) + b + w·x)`` over the extractor's score
``s`` and hashed features ``x`` of the claim: its words and word pairs, the cue word, the speaker, the
quote type, whether it has numbers or hedges, its length. It starts at ``a = 1, b = 0, w = 0`` — the
extractor's score unchanged — and each decision takes one AdaGrad step (L2-regularised towards that
start), so a desk that keeps rejecting opinion sentences sees sentences like them sink, and claims with
numbers rise if that is what the desk accepts.

``a`` and ``b`` recalibrate the score to the desk without changing the order. The features change the
order only as far as they have earned it: :meth:`CorrectionModel.trust` compares, on the desk's recent
decisions (each predicted before the model learnt from it), the full model's log loss with the
calibrated score's; a desk whose decisions the extractor already ranks well keeps the extractor's order.

Features are computed from the candidate's own fields (``text``, ``cue``, ``speaker``, ``quote_type``,
``numbers``, ``hedges`` and the extractor's ``checkworthiness``) in pure Python: no spaCy, so the store
can use it (this module imports only numpy). Pass the extractor's score, not a corrected one.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np

#: hashed feature buckets (a power of two); 2 × 8 bytes each for weights and AdaGrad sums: 4 MB
N_BUCKETS = 1 << 18
#: the extractor's score is clipped to [EPS, 1 - EPS] before its logit is taken
EPS = 1e-3
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*%?")
FIRST_PERSON = frozenset(("i", "we", "my", "our", "me", "us"))
STATE_VERSION = 1
#: AdaGrad's starting sum of squared gradients: the first steps are ``rate × gradient`` (a claim the
#: model already scores right barely moves it), not a full ``rate`` whatever the gradient
G0 = 1.0


class ClaimFeatures(NamedTuple):
    """A claim as the correction model reads it: the logit of the extractor's score, and unique hashed
    feature ids with their values."""

    prior: float
    ids: np.ndarray  # int64, unique
    values: np.ndarray  # float64


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_BUCKETS - 1)


def _text_of(ref: object) -> str:
    return str(ref.get("text") or "") if isinstance(ref, Mapping) else ""


def feature_strings(claim: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(word features, claim features) of a claim candidate, as strings: the words block is lower-cased
    words and word pairs (numbers as ``<num>``); the claim block says what kind of claim it is."""
    words = ["<num>" if w[0].isdigit() else w.lower() for w in WORD.findall(str(claim.get("text") or ""))]
    text_feats = [f"w:{w}" for w in words] + [
        f"b:{a} {b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True)
    ]
    speaker = claim.get("speaker")
    name = ""
    if isinstance(speaker, Mapping):
        name = str(speaker.get("name") or speaker.get("text") or "").lower()
    cue = _text_of(claim.get("cue")).lower()
    numbers = claim.get("numbers") or []
    hedges = claim.get("hedges") or []
    kind = [
        "bias",
        f"qt:{claim.get('quote_type') or 'none'}",
        f"attributed:{bool(cue)}",
        f"numbers:{min(len(numbers), 3)}",
        f"hedges:{min(len(hedges), 2)}",
        f"len:{min(len(words) // 5, 10)}",
        f"first:{words[0] if words else ''}",
    ]
    if cue:
        kind.append(f"cue:{cue}")
    if name:
        kind.append(f"speaker:{name}")
    if FIRST_PERSON & set(words):
        kind.append("first-person")
    if str(claim.get("text") or "").rstrip().endswith("?"):
        kind.append("question")
    return text_feats, kind


def claim_features(claim: Mapping[str, Any]) -> ClaimFeatures:
    """The correction model's view of a claim candidate (see :func:`feature_strings`); the word block
    is L2-normalised, the claim block has one unit per feature."""
    text_feats, kind = feature_strings(claim)
    ids = [_bucket(f) for f in text_feats] + [_bucket(f) for f in kind]
    vals = [1.0 / math.sqrt(len(text_feats))] * len(text_feats) if text_feats else []
    vals += [1.0] * len(kind)
    uniq, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
    values = np.bincount(inverse, weights=np.asarray(vals, dtype=np.float64), minlength=len(uniq))
    s = min(1.0 - EPS, max(EPS, float(claim.get("checkworthiness") or 0.0)))
    return ClaimFeatures(math.log(s / (1.0 - s)), uniq, values)


#: step size and L2 strength (see bench/correction_bench.py)
RATE = 0.2
#: how many of the latest decisions an undo can take back exactly (each keeps a few hundred bytes)
ROLLBACK = 5000
L2 = 1e-3
#: the trust in the features follows how much better the full model predicted the desk's recent
#: decisions than the calibrated extractor score did (log loss, each decision scored before the model
#: learnt from it, averaged with this decay — about the last 100 decisions): full from TRUST_MARGIN
#: nats better
DECAY = 0.99
TRUST_MARGIN = 0.1


def _log_loss(p: float, y: float) -> float:
    p = min(1.0 - 1e-6, max(1e-6, p))
    return -math.log(p) if y else -math.log(1.0 - p)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class CorrectionModel:
    """``P(accept) = σ(a·prior + b + w·x)``, updated online (one AdaGrad step per decision, L2 towards
    ``a = 1, b = 0, w = 0``). ``rate`` is the AdaGrad step size, ``l2`` the regularisation strength."""

    def __init__(self, *, rate: float = RATE, l2: float = L2):
        self.rate, self.l2 = rate, l2
        self.w = np.zeros(N_BUCKETS)
        self.g2 = np.full(N_BUCKETS, G0)  # AdaGrad: summed squared gradients per bucket
        self.a, self.b = 1.0, 0.0
        self.g2a, self.g2b = G0, G0
        self.updates = 0
        self.loss_model = self.loss_prior = 0.0  # decayed log losses of recent decisions
        #: the latest updates learnt under a key, each with what it changed, so that an undone decision
        #: can be taken back exactly (:meth:`forget`); in memory only, the last ``ROLLBACK`` of them
        self.log: deque[tuple[str, ClaimFeatures, bool, tuple[Any, ...]]] = deque(maxlen=ROLLBACK)
        #: what the decisions :meth:`forget` took back had taught (their features as decided, edits
        #: included), so that a redo teaches exactly that again (:meth:`relearn`); in memory, bounded
        self.taken_back: OrderedDict[str, tuple[ClaimFeatures, bool]] = OrderedDict()

    def calibrated(self, f: ClaimFeatures) -> float:
        """The extractor's score recalibrated to the desk (``a``, ``b``): same order, other values."""
        return self.a * f.prior + self.b

    def words(self, f: ClaimFeatures) -> float:
        """What the claim's features add to the calibrated logit."""
        return float(self.w[f.ids] @ f.values)

    def trust(self) -> float:
        """How far :meth:`score` follows the features (0..1): 0 until the full model predicts the desk's
        decisions better than the calibrated extractor score alone (log loss of each decision, taken
        before learning from it), fully from ``TRUST_MARGIN`` nats better. A desk whose decisions the
        extractor already ranks well keeps the extractor's order."""
        if not self.updates:
            return 0.0
        norm = 1.0 - DECAY**self.updates  # the decayed averages' weight so far
        gain = (self.loss_prior - self.loss_model) / norm
        return min(1.0, max(0.0, gain / TRUST_MARGIN))

    def score(self, f: ClaimFeatures) -> float:
        """The check-worthiness to show and sort by (0..1): ``σ(a·logit(s) + b + trust·w·x)``; with no
        decisions yet, the extractor's own score ``s``."""
        lam = self.trust()
        return _logistic(self.calibrated(f) + (lam * self.words(f) if lam else 0.0))

    def update(self, f: ClaimFeatures, accepted: bool, *, key: str | None = None) -> float:
        """Learn from one decision (accepted, edited or added: True; rejected: False); returns the full
        model's probability for the claim before it learnt from it. ``key`` (the decision's id) lets
        :meth:`forget` take it back."""
        if key is not None:
            self.log.append((key, f, accepted, self._state_of(f.ids)))
        cal = self.calibrated(f)
        p = _logistic(cal + self.words(f))
        y = 1.0 if accepted else 0.0
        prior = _logistic(cal)
        self.loss_model = DECAY * self.loss_model + (1 - DECAY) * _log_loss(p, y)
        self.loss_prior = DECAY * self.loss_prior + (1 - DECAY) * _log_loss(prior, y)
        g = p - y
        ids = f.ids
        grad = g * f.values + self.l2 * self.w[ids]
        self.g2[ids] += grad * grad
        self.w[ids] -= self.rate * grad / np.sqrt(self.g2[ids])
        ga = g * f.prior + self.l2 * (self.a - 1.0)
        self.g2a += ga * ga
        self.a -= self.rate * ga / math.sqrt(self.g2a)
        gb = g + self.l2 * self.b
        self.g2b += gb * gb
        self.b -= self.rate * gb / math.sqrt(self.g2b)
        self.updates += 1
        return p

    def _state_of(self, ids: np.ndarray) -> tuple[Any, ...]:
        return (
            ids,
            self.w[ids].copy(),
            self.g2[ids].copy(),
            self.a,
            self.b,
            self.g2a,
            self.g2b,
            self.updates,
            self.loss_model,
            self.loss_prior,
        )

    def _restore(self, state: tuple[Any, ...]) -> None:
        ids, w, g2, self.a, self.b, self.g2a, self.g2b, self.updates, self.loss_model, self.loss_prior = state
        self.w[ids], self.g2[ids] = w, g2

    def forget(self, keys: Iterable[str]) -> set[str]:
        """Take back the decisions learnt under ``keys`` (they were undone), exactly: the model goes
        back to before the earliest of them and learns again the decisions after it that stand.
        Returns the keys it no longer has (learnt longer ago than its log reaches, or never):
        :meth:`unlearn` takes those back approximately."""
        wanted = set(keys)
        entries = list(self.log)
        first = next((i for i, entry in enumerate(entries) if entry[0] in wanted), None)
        if first is None:
            return wanted
        for entry in reversed(entries[first:]):
            self._restore(entry[3])
        for _ in range(len(entries) - first):
            self.log.pop()
        for key, f, accepted, _ in entries[first:]:
            if key not in wanted:
                self.update(f, accepted, key=key)
            else:
                self.taken_back[key] = (f, accepted)
                self.taken_back.move_to_end(key)
        while len(self.taken_back) > ROLLBACK:
            self.taken_back.popitem(last=False)
        return wanted - {entry[0] for entry in entries[first:]}

    def relearn(self, key: str) -> bool:
        """Learn again the decision :meth:`forget` took back under ``key`` (it was redone), with the
        features it had when it was made. False if it is not remembered (the caller approximates)."""
        found = self.taken_back.pop(key, None)
        if found is None:
            return False
        self.update(found[0], found[1], key=key)
        return True

    def unlearn(self, f: ClaimFeatures, accepted: bool) -> None:
        """Take back, approximately, a decision learnt too long ago for :meth:`forget`: the step
        :meth:`update` would take for it, reversed (an online model cannot forget exactly)."""
        cal = self.calibrated(f)
        g = _logistic(cal + self.words(f)) - (1.0 if accepted else 0.0)
        ids = f.ids
        self.w[ids] += self.rate * (g * f.values) / np.sqrt(self.g2[ids])
        self.a += self.rate * (g * f.prior) / math.sqrt(self.g2a)
        self.b += self.rate * g / math.sqrt(self.g2b)

    def fit(self, decisions: Iterable[tuple[ClaimFeatures, bool]]) -> CorrectionModel:
        """Replay decisions in the order they were made (rebuilding a store's model on open)."""
        for f, accepted in decisions:
            self.update(f, accepted)
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe state: the buckets a decision touched, with their weights and AdaGrad sums."""
        used = np.flatnonzero(self.g2 != G0)
        return {
            "version": STATE_VERSION,
            "rate": self.rate,
            "l2": self.l2,
            "a": self.a,
            "b": self.b,
            "g2a": self.g2a,
            "g2b": self.g2b,
            "updates": self.updates,
            "loss_model": self.loss_model,
            "loss_prior": self.loss_prior,
            "ids": used.tolist(),
            "w": self.w[used].tolist(),
            "g2": self.g2[used].tolist(),
            # what undos took back, so that a redo after a restart relearns the same (see relearn)
            "taken_back": [
                [key, f.prior, f.ids.tolist(), f.values.tolist(), accepted]
                for key, (f, accepted) in self.taken_back.items()
            ],
        }

    @classmethod
    def from_dict(cls, state: Mapping[str, Any]) -> CorrectionModel:
        """The model :meth:`to_dict` saved; ValueError if the state is not one."""
        try:
            if state["version"] != STATE_VERSION:
                raise ValueError(f"correction model state version {state['version']!r}, expected {STATE_VERSION}")
            model = cls(rate=float(state["rate"]), l2=float(state["l2"]))
            ids = np.asarray(state["ids"], dtype=np.int64)
            if ids.size and (ids.min() < 0 or ids.max() >= N_BUCKETS):
                raise ValueError("correction model state: bucket out of range")
            model.w[ids] = np.asarray(state["w"], dtype=np.float64)
            model.g2[ids] = np.asarray(state["g2"], dtype=np.float64)
            model.a, model.b = float(state["a"]), float(state["b"])
            model.g2a, model.g2b = float(state["g2a"]), float(state["g2b"])
            model.updates = int(state["updates"])
            model.loss_model, model.loss_prior = float(state["loss_model"]), float(state["loss_prior"])
            for key, prior, ids, values, accepted in list(state.get("taken_back") or ())[-ROLLBACK:]:
                taken = np.asarray(ids, dtype=np.int64)
                weights = np.asarray(values, dtype=np.float64)
                if taken.ndim != 1 or taken.shape != weights.shape or not isinstance(accepted, bool):
                    raise ValueError("correction model state: a taken-back decision of the wrong shape")
                if taken.size and (taken.min() < 0 or taken.max() >= N_BUCKETS):
                    raise ValueError("correction model state: bucket out of range")
                model.taken_back[str(key)] = (ClaimFeatures(float(prior), taken, weights), accepted)
        except (KeyError, TypeError, OverflowError) as exc:
            raise ValueError(f"correction model state: {exc!r}") from None
        return model
