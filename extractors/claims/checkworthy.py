"""Check-worthiness: a logistic-regression model over hashed tf-idf features of a sentence, plus
the sentence's contextual token vectors when the spaCy model is the one the weights were trained with.

Features (one hashed space of ``N_FEATURES`` buckets, each block L2-normalised on its own):

- ``spacy``: what the Doc already knows — lemmas and lemma bigrams, parts of speech, entity types,
  subjects, tense, numbers, hedges, length;
- ``words``: lower-cased word unigrams and bigrams;
- ``chars``: character 2–5-grams inside each word (padded with spaces), which carry morphology
  ("-ed", "per-", "%") and spelling variants the word blocks miss;
- ``syntax``: dependency edges — (relation, head, dependent) with numbers and entities generalised
  ("nsubj:cut>EORG", "dobj:cut>EMONEY"), the same with parts of speech, the main verb and its tense;
- ``dense`` (contextual): mean and max over the sentence's rows of ``Doc.tensor``, the model's own
  contextual token vectors (96 wide for en_core_web_sm), standardised. Costs next to nothing — the
  model computed them already — but only means something for the model that produced the training
  tensors (``tensor_model`` in the weights); with any other pipeline the block is left out (it then
  weighs as an average sentence would).

Sparse values are sublinear tf × idf, the idf learned with the weights. Trained by
``bench/train_checkworthy.py`` on the CheckThat! 2024 task 1 English training split (ClaimBuster
sentences from US presidential debates); weights and idf ship as ``checkworthy_model.npz``
(float16). The bias is shifted so that 0.5 is the decision threshold chosen by 5-fold
cross-validation on the training data.

``find_unattributed`` proposes sentences that score >= 0.5 and are no part of an attributed claim (one
statement, one claim); ``score_claims`` sets ``checkworthiness`` on every claim from the sentence(s) it
sits in — an attributed claim keeps the higher score of a sentence of it that would have been proposed.
"""

from __future__ import annotations

import heapq
import itertools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IS_SPACE,
    LEMMA,
    LIKE_NUM,
    LOWER,
    MORPH,
    ORTH,
    POS,
    TAG,
)
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from ..records import FoundClaim
from .linear import Weights, hash_id, logistic

N_FEATURES = 1 << 20
EMIT_THRESHOLD = 0.5
HEDGE_WORDS = frozenset(
    ["reportedly", "allegedly", "apparently", "believed", "thought", "estimated", "may", "might", "could"]
)
BLOCKS = ("spacy", "words", "chars", "syntax")
ARGUMENT_DEPS = frozenset(("nsubj", "nsubjpass", "dobj", "pobj", "attr"))


def _h(feature: str) -> int:
    return hash_id(feature, N_FEATURES)


class _Word(NamedTuple):
    """What the features read of one token, worked out once per distinct token (see ``_word``)."""

    lower: str
    lemma: str  # lower-cased, "<num>" for number-like tokens
    fixed: tuple[int, ...]  # its spacy-block feature ids that do not depend on the neighbours
    word: int  # its word-unigram id
    chars: tuple[int, ...]  # its character n-gram ids
    has_num: bool
    question: bool
    alpha: bool
    dep: str
    pos: str
    arg: str  # what it is as a verb's argument: its entity type, else its part of speech
    node: str  # what it is in a dependency edge: "<num>", "E" + entity type, else its lemma
    morph: str


#: the token attributes the features read, in the column order of ``Doc.to_array``
ATTRS = (ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, ENT_IOB, IS_SPACE, LIKE_NUM, MORPH)
_IOB_BEGIN = 3  # Doc.to_array's code for ent_iob_ "B"
_words: dict[tuple[int, ...], _Word | None] = {}  # keyed by a row of hashes, which are the same in any vocab
_UNSEEN = _Word("", "", (), 0, (), False, False, False, "", "", "", "", "")
_MAX_WORDS = 1 << 15


def _word(row: tuple[int, ...], strings: StringStore) -> _Word | None:
    """A token's features from its ``ATTRS`` row (None for whitespace). Hashes name the same string in
    every StringStore, so rows from different Docs share the cache."""
    if row in _words:
        return _words[row]
    orth, lower_h, lemma_h, pos_h, tag_h, dep_h, ent_h, iob, is_space, like_num, morph_h = row
    if is_space:
        _words[row] = None
        return None
    text, lower = strings[orth], strings[lower_h]
    pos, tag, dep, ent, morph = (strings[h] if h else "" for h in (pos_h, tag_h, dep_h, ent_h, morph_h))
    lemma = "<num>" if like_num else strings[lemma_h].lower()
    fixed = ["l:" + lemma, "p:" + pos]
    if ent:
        fixed.append("e:" + ent)
        if iob == _IOB_BEGIN:
            fixed.append("eb:" + ent)
    if dep in ("nsubj", "nsubjpass"):
        fixed.append("subj:" + (ent or pos) + (":" + lower if pos == "PRON" else ""))
    if tag in ("VBD", "VBN"):
        fixed.append("past")
    if lower in HEDGE_WORDS:
        fixed.append("hedge")
    node = "<num>" if like_num else ("E" + ent if ent else lemma)
    word = _Word(
        lower,
        lemma,
        tuple(_word_id(f) for f in fixed),
        _word_id("w:" + lower),
        _char_ids(lower),
        bool(like_num) or any(ch.isdigit() for ch in text),
        text == "?",
        text.isalpha(),
        dep,
        pos,
        ent or pos,
        node,
        morph,
    )
    if len(_words) >= _MAX_WORDS:
        _words.clear()  # bounded (about 1 kB an entry); the common words come back at once
    _words[row] = word
    return word


@lru_cache(maxsize=65536)
def _char_ids(word: str) -> tuple[int, ...]:
    padded = f" {word} "
    return tuple(_h("c:" + padded[i : i + n]) for n in range(2, 6) for i in range(len(padded) - n + 1))


@lru_cache(maxsize=65536)
def _word_id(feature: str) -> int:
    return _h(feature)


class _Pairs:
    """Ids of a two-word feature ``prefix + first + sep + second``, cached by the pair (two lookups of
    strings whose hashes are known, where the joined string would be new each time)."""

    def __init__(self, prefix: str, sep: str):
        self.prefix, self.sep = prefix, sep
        self.ids: dict[str, dict[str, int]] = {}
        self.size = 0

    def __call__(self, first: str, second: str) -> int:
        seconds = self.ids.get(first)
        if seconds is None:
            if self.size >= _MAX_WORDS * 4:
                self.ids.clear()  # bounded like the word cache
                self.size = 0
            seconds = self.ids[first] = {}
        found = seconds.get(second)
        if found is None:
            found = seconds[second] = _h(self.prefix + first + self.sep + second)
            self.size += 1
        return found


_lemma_pair = _Pairs("b:", "_")
_word_pair = _Pairs("w2:", " ")


def _edge_ids(dep: str, head: _Word, child: _Word) -> tuple[int, ...]:
    """The syntax-block ids of a dependency edge: (relation, head, dependent) as nodes, as parts of
    speech, and for a verb's arguments as (relation, head lemma, entity type or part of speech)."""
    return _edge(dep, head.node, head.pos, head.lemma, child.node, child.pos, child.arg)


@lru_cache(maxsize=1 << 17)
def _edge(dep: str, head_node: str, head_pos: str, head_lemma: str, node: str, pos: str, arg: str) -> tuple[int, ...]:
    ids: tuple[int, ...] = (_h(f"t:{dep}:{head_node}>{node}"), _h(f"tp:{dep}:{head_pos}>{pos}"))
    if dep in ARGUMENT_DEPS:
        ids += (_h(f"tv:{dep}:{head_lemma}>{arg}"),)
    return ids


class Features(NamedTuple):
    """A run of tokens as the model sees it: hashed counts per block (``BLOCKS``), and the pooled
    contextual vectors (mean then max of ``Doc.tensor`` rows), None when they are not used."""

    counts: list[Counter[int]]
    dense: np.ndarray | None


class DocFeatures:
    """One Doc read once (token attributes, heads, contextual vectors) for features of any run of it."""

    def __init__(self, doc: Doc, contextual: bool = False):
        strings = doc.vocab.strings
        self.words: list[_Word | None] = []
        for row in map(tuple, doc.to_array(list(ATTRS)).tolist()):
            word = _words.get(row, _UNSEEN)  # most words of an article were seen before
            self.words.append(_word(row, strings) if word is _UNSEEN else word)
        self.heads = (np.arange(len(doc)) + doc.to_array([HEAD]).astype(np.int64)).tolist()  # HEAD is relative
        tensor = getattr(doc, "tensor", None)
        self.tensor = (
            tensor if contextual and tensor is not None and tensor.ndim == 2 and len(tensor) == len(doc) else None
        )

    def features(self, start: int, end: int) -> Features:
        """Tokens ``doc[start:end]`` (whitespace tokens are skipped)."""
        keep = [i for i in range(start, end) if self.words[i] is not None]
        words = [w for w in self.words[start:end] if w is not None]
        counts = _counts(words)
        counts.append(self._syntax(keep))
        dense = None
        if self.tensor is not None and keep:
            rows = self.tensor[keep]
            dense = np.concatenate([rows.mean(0), rows.max(0)]).astype(np.float32)
        return Features(counts, dense)

    def alpha(self, start: int, end: int) -> int:
        """How many of tokens ``doc[start:end]`` are alphabetic words (``Token.is_alpha``)."""
        return sum(1 for w in self.words[start:end] if w is not None and w.alpha)

    def _syntax(self, keep: list[int]) -> Counter[int]:
        ids: list[int] = []
        words, heads = self.words, self.heads
        for i in keep:
            w = words[i]
            if w is None or w.dep == "punct":
                continue
            head = words[heads[i]]
            if heads[i] == i or head is None:
                ids.append(_word_id("root:" + w.lemma))
                ids.append(_word_id("rootm:" + w.morph))
            else:
                ids.extend(_edge_ids(w.dep, head, w))
        return Counter(ids)


def _counts(words: list[_Word]) -> list[Counter[int]]:
    """The spacy, words and chars blocks of a run of words:

    - spacy: "bias", a length bucket, per word its lemma ("<num>" for numbers), the lemma bigram, the
      part of speech, the first two words, entity type (and "B" tokens again), subjects by entity
      type or part of speech (pronouns by word), past tense, hedge words; after the last word the
      closing lemma bigram, "has_num" if any word has a digit or is number-like, "question";
    - words: lower-cased word unigrams and bigrams;
    - chars: character 2–5-grams of each lower-cased word, padded with spaces.
    """
    spacy_ids = [_word_id("bias"), _word_id(f"len:{min(len(words) // 4, 12)}")]
    word_ids: list[int] = []
    char_ids: list[int] = []
    prev_lemma, prev_lower, has_num = "<s>", "<s>", False
    for i, w in enumerate(words):
        spacy_ids.extend(w.fixed)
        spacy_ids.append(_lemma_pair(prev_lemma, w.lemma))
        if i < 2:
            spacy_ids.append(_word_id(f"f{i}:" + w.lower))
        word_ids.append(w.word)
        word_ids.append(_word_pair(prev_lower, w.lower))
        char_ids.extend(w.chars)
        has_num = has_num or w.has_num
        prev_lemma, prev_lower = w.lemma, w.lower
    spacy_ids.append(_word_id("b:" + prev_lemma + "_</s>"))
    if has_num:
        spacy_ids.append(_word_id("has_num"))
    if words and words[-1].question:
        spacy_ids.append(_word_id("question"))
    return [Counter(spacy_ids), Counter(word_ids), Counter(char_ids)]


def doc_features(doc: Doc, contextual: bool) -> Features:
    """Features of a whole Doc (a training sentence)."""
    return DocFeatures(doc, contextual).features(0, len(doc))


def vectorize(counts: list[Counter[int]], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse tf-idf vector (indices, values): sublinear tf, idf weights, each block L2-normalised.

    The blocks are read into one array and weighted at once (element by element, as block by block);
    each block's norm is still summed over that block alone."""
    sizes = [len(block) for block in counts]
    n = sum(sizes)
    idx = np.fromiter(itertools.chain.from_iterable(b.keys() for b in counts), dtype=np.int64, count=n)
    tf = np.fromiter(itertools.chain.from_iterable(b.values() for b in counts), dtype=np.float32, count=n)
    val = (1.0 + np.log(tf)) * idf[idx]
    start = 0
    for size in sizes:
        if size:
            block = val[start : start + size]
            block /= float(np.sqrt((block * block).sum())) or 1.0
            start += size
    return idx, val


def score(features: Features, weights: Weights) -> float:
    """The check-worthiness (0..1) of a run of tokens from its features."""
    idx, val = vectorize(features.counts, weights.array("idf"))
    z = float(weights.array("w")[idx] @ val) + weights.scalar("b")
    if features.dense is not None:
        z += float(weights.array("dense_w") @ (features.dense - weights.array("dense_mean")))
    return logistic(z)


class SentenceScores(DocFeatures):
    """Check-worthiness of runs of one Doc's tokens: the Doc is read once, each run (a sentence, the
    sentences a claim spans) is scored once. ``contextual``: use ``Doc.tensor``, which is right only
    for the pipeline the weights were trained with (``ClaimModels.uses_tensor``)."""

    def __init__(self, doc: Doc, weights: Weights, contextual: bool = False):
        super().__init__(doc, contextual)
        self.doc = doc
        self.weights = weights
        self.scores: dict[tuple[int, int], float] = {}

    def span(self, start: int, end: int) -> float:
        """Tokens ``doc[start:end]``."""
        if (start, end) not in self.scores:
            self.scores[start, end] = score(self.features(start, end), self.weights)
        return self.scores[start, end]

    def sents(self, sents: list[Span]) -> float:
        """Consecutive sentences taken together."""
        return self.span(sents[0].start, sents[-1].end)


def score_claims(
    sents: list[Span], claims: list[FoundClaim], scores: SentenceScores, carried: dict[int, float] | None = None
) -> None:
    """Set ``checkworthiness`` from the sentence(s) a claim sits in (unattributed ones already have it);
    pass the ``scores`` ``find_unattributed`` used so no sentence is scored twice. ``carried`` (by
    ``id()`` of the claim, as ``find_unattributed`` fills it) is the score of a sentence that would
    have been proposed on its own but is part of that claim: the claim keeps the higher of the two."""
    doc = scores.doc
    starts, ends = [s.start_char for s in sents], [s.end_char for s in sents]
    carried = carried or {}
    for claim in claims:
        if "checkworthiness" in claim:
            continue
        # the sentences (sorted, disjoint) that share a character with the claim
        covering = sents[bisect_right(ends, claim["start"]) : bisect_left(starts, claim["end"])]
        if covering:
            value = scores.sents(covering)
        else:
            tokens = doc.char_span(claim["start"], claim["end"], alignment_mode="expand")
            value = scores.span(tokens.start, tokens.end) if tokens else 0.0
        claim["checkworthiness"] = round(max(value, carried.get(id(claim), 0.0)), 4)


#: a news agency's credit line, no statement to check (QA, wire stories: "Associated Press writer
#: Karen Liu … contributed to this report." scored 0.77)
CREDIT_LINE = re.compile(
    r"contributed (?:reporting )?to this (?:report|story|article)(?![\w'’])|^\(?(?:additional )?reporting by |"
    r"(?:^\(?|;\s*)(?:writing|editing) by (?-i:[A-Z])",
    re.I | re.M,
)
#: a list item's mark opening a line
BULLET = re.compile(r"[-•*–—▪◦·]\s+")


def find_unattributed(
    text: str,
    sents: list[Span],
    attributed: list[FoundClaim],
    scores: SentenceScores,
    carried: dict[int, float] | None = None,
) -> list[FoundClaim]:
    """Sentences that score at least ``EMIT_THRESHOLD`` and share no character with an attributed
    claim's content or cue (shorter than 12 characters or 4 words: never). One statement, one claim:
    a sentence that would be proposed but is (part of) an attributed statement is not proposed again;
    its score goes to ``carried[id(claim)]`` (the highest such, per attributed claim) for
    ``score_claims`` to give that claim."""
    out: list[FoundClaim] = []
    # the attributed claims' contents and cues, by start; a sweep: an interval enters when it starts
    # before the sentence's end and leaves (lazily, from a heap by end) once it ends at or before the
    # sentence's start, so each sentence sees only the intervals over it
    pending: list[tuple[int, int, int]] = []  # (start, end, index in attributed)
    for i, claim in enumerate(attributed):
        pending.append((claim["start"], claim["end"], i))
        cue = claim.get("cue")
        if cue is not None:
            pending.append((cue["start"], cue["end"], i))
    pending.sort()
    over: list[tuple[int, int]] = []  # (end, index in attributed)
    k = 0
    for sent in sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end - start < 12 or scores.alpha(sent.start, sent.end) < 4 or CREDIT_LINE.search(text, start, end):
            continue
        bullet = BULLET.match(text, start, end)  # "- The strike will run …": the statement, not its mark
        if bullet is not None and (start == 0 or text[start - 1] == "\n"):
            start = bullet.end()
        while k < len(pending) and pending[k][0] < end:
            heapq.heappush(over, (pending[k][1], pending[k][2]))
            k += 1
        while over and over[0][0] <= start:
            heapq.heappop(over)
        value = scores.sents([sent])
        if value < EMIT_THRESHOLD:
            continue
        if over:
            if carried is not None:
                for _, i in over:
                    key = id(attributed[i])
                    carried[key] = max(carried.get(key, 0.0), value)
            continue
        out.append(
            {
                "start": start,
                "end": end,
                "speaker": None,
                "cue": None,
                "quote_type": "none",
                "checkworthiness": round(value, 4),
            }
        )
    return out
