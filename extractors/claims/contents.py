"""Which content a reporting verb introduces: a learned choice among the rules' candidates.

``attribution._verb_candidates`` lists every content a cue verb may introduce (its clausal
complements, a quote before or after it, the sentence around a parenthetical cue, its object with or
without trailing phrases, its prepositional objects…). The hand-written preference order is a good
default but PolNeAR's contents depend on the verb and the shape of the sentence, so a small
logistic-regression model scores each candidate from its pattern, its rank in the rule order, the
cue's lemma and dependency, and the content's length and position; the best candidate is kept when
its score reaches the threshold stored with the weights (below it, the verb is not reporting
anything we can delimit and no claim is made).

Trained by ``bench/train_contents.py`` on PolNeAR v1.0.0 *train* (first annotator per article): a
candidate is a positive when its character Jaccard with the gold content of the attribution whose
cue is this verb is >= 0.5. Weights ship as ``content_model.npz`` (hashed features, float16).
While the weights are being trained, ``bench/train_contents.py`` collects candidates with
``ClaimModels.rule_order`` set: the rule order decides (of the ``RULE_ORDER`` patterns, the first
listed wins). A missing weights file is an error, not a silent fallback.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ..vocabulary import QuoteType
from .linear import Weights, hash_ids, logistic

N_FEATURES = 1 << 18
#: the patterns the hand-written rules use, in their order of preference; the rest are extra candidates
RULE_ORDER = (
    "complement",
    "fronted",
    "parenthetical",
    "quote_after",
    "quote_before",
    "answer",
    "passive_as",
    "dobj",
    "pobj",
)

#: a content a cue may introduce: ((start, end), its quote type if the pattern fixes one, the pattern)
Candidate = tuple[tuple[int, int], QuoteType | None, str]


def _bucket(n: int) -> int:
    return n if n < 8 else 8 + min(n // 8, 6)


def candidate_features(
    tok: Token, cand: Candidate, rank: int, n_cands: int, text: str, first_rule: int = -1, sent: Span | None = None
) -> list[str]:
    """``first_rule``: the rank of the candidate the rule order would pick (-1: none); ``sent``: the
    cue's sentence if already at hand (``Token.sent`` walks the Doc to find it)."""
    (start, end), qtype, rule = cand
    lemma = tok.lemma_.lower()
    content = text[start:end]
    words = content.split()
    first = words[0].lower().strip("“”\"'") if words else ""
    side = "before" if end <= tok.idx else "after" if start >= tok.idx + len(tok.text) else "around"
    sent = tok.sent if sent is None else sent
    sent_len = max(1, sent.end_char - sent.start_char)
    feats = [
        "bias",
        "r:" + rule,
        f"rank:{min(rank, 5)}",
        f"rr:{rule}|{min(rank, 5)}",
        f"n:{min(n_cands, 6)}",
        "rl:" + rule + "|" + lemma,
        "rd:" + rule + "|" + tok.dep_,
        "side:" + side,
        "rs:" + rule + "|" + side,
        f"len:{_bucket(len(words))}",
        f"rlen:{rule}|{_bucket(len(words))}",
        f"cover:{min(int(10 * (end - start) / sent_len), 12)}",
        "first:" + first,
        "rf:" + rule + "|" + first,
        "qt:" + str(qtype),
    ]
    subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    feats.append("subj:" + ("none" if subj is None else subj.ent_type_ or subj.pos_))
    feats.append("ls:" + lemma + "|" + side)
    feats.append(f"first_rule:{rule in RULE_ORDER and rank == first_rule}")
    span = tok.doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span):
        root = span.root
        feats.append("root:" + rule + "|" + root.dep_ + "|" + root.pos_)
        feats.append("roothead:" + str(root.head.i == tok.i))
        feats.append("last:" + span[-1].text[-1:])
    if content[:1] in "“\"'" or content.startswith("''"):
        feats.append("quoted")
    if "\n" in content:
        feats.append("multiline")
    if start < sent.start_char or end > sent.end_char:
        feats.append("beyond_sentence")
    return feats


def feature_ids(
    tok: Token, cand: Candidate, rank: int, n_cands: int, text: str, first_rule: int = -1, sent: Span | None = None
) -> list[int]:
    return hash_ids(candidate_features(tok, cand, rank, n_cands, text, first_rule, sent), N_FEATURES)


def rule_pick(cands: list[Candidate]) -> int:
    """The rank of the candidate the hand-written rule order picks, or -1."""
    return next((i for i, c in enumerate(cands) if c[2] in RULE_ORDER), -1)


def scores(tok: Token, cands: list[Candidate], text: str, weights: Weights | None) -> list[float]:
    """Each candidate's score; with no ``weights`` the rule order decides (1 for its patterns, else 0)."""
    if weights is None:
        return [1.0 if c[2] in RULE_ORDER else 0.0 for c in cands]
    w, b = weights.array("w"), weights.scalar("b")
    first_rule, sent = rule_pick(cands), tok.sent
    return [
        logistic(float(w[feature_ids(tok, cand, rank, len(cands), text, first_rule, sent)].sum()) + b)
        for rank, cand in enumerate(cands)
    ]


def choose(
    tok: Token, cands: list[Candidate], text: str, weights: Weights | None, cue: float | None = None
) -> Candidate | None:
    """The likeliest candidate if it reaches the threshold (rule order breaks ties), else None; with no
    ``weights``, the first candidate of a ``RULE_ORDER`` pattern. ``cue``: the verb's cue score — the
    candidate is kept only if the two scores sum to at least 1 (a doubtful verb needs a likely content)."""
    if not cands:
        return None
    threshold = 0.5 if weights is None else weights.scalar("threshold")
    best_score, best = max((s, -i) for i, s in enumerate(scores(tok, cands, text, weights)))
    if best_score < threshold or (cue is not None and cue + best_score < 1.0):
        return None
    return cands[-best]
