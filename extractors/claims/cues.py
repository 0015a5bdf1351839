"""Which verbs are reporting cues: a small logistic-regression model over the token's parse context.

A fixed lexicon of verbs of saying misses PolNeAR's long tail ("nominated", "focused on", "came out
against") and fires on verbs that are cues only in some contexts ("support", "show", "find"). This
model scores a verb from its lemma and its surroundings in the parse — which complements it has, what
its subject is, whether a quote mark is next to it, whether the lexicon lists it — and
``attribution.find_attributions`` weighs it with the content it would introduce: a verb scoring at
least its threshold less ``DOUBT`` makes a claim when its score and its best content's score (``contents.choose``)
sum to at least 1. (While the content chooser is being trained, with the rule order choosing, a verb
is a cue when its score reaches the threshold stored with the weights.)

Trained by ``bench/train_cues.py`` on PolNeAR v1.0.0 *train* (first annotator per article): a verb is
a positive when it lies in a gold Cue span; verbs inside a gold content or a quotation are left out
(PolNeAR gives a token one role, so a cue inside what someone said is never annotated — nesting is
handled by the rules instead). Weights ship as ``cue_model.npz`` (hashed features, float16).
"""

from __future__ import annotations

from spacy.tokens import Token

from .lexicon import CUE_LEMMAS
from .linear import Weights, hash_ids, logistic

N_FEATURES = 1 << 18
QUOTE_CHARS = frozenset('“”"«»„') | {"''", "``"}
PERSON_PRONOUNS = frozenset(["i", "you", "he", "she", "we", "they", "who"])
#: how far below its threshold a verb may score and still make a claim, if its content is likely
#: enough (cue + content >= 1, ``contents.choose``): "branded" at 0.49 with a quoted object is a claim,
#: a verb at 0.6 with only a doubtful content is not. Chosen with that rule on PolNeAR train by
#: ``bench/tune_cue_content.py`` (a floor of 0.4 under the shipped threshold of 0.5)
DOUBT = 0.1


def cue_features(tok: Token, lexicon: frozenset[str] = CUE_LEMMAS) -> list[str]:
    """Features of a verb token for the cue model (strings; hashed by :func:`cue_ids`)."""
    lemma = tok.lemma_.lower()
    doc = tok.doc
    feats = [
        "bias",
        "l:" + lemma,
        "t:" + tok.tag_,
        "d:" + tok.dep_,
        "ld:" + lemma + "|" + tok.dep_,
        "hl:" + tok.head.lemma_.lower() + "|" + tok.dep_,
        "lex:" + str(lemma in lexicon),
    ]
    kids = set()
    subj: Token | None = None
    for child in tok.children:
        dep = child.dep_
        kids.add(dep)
        if dep in ("nsubj", "nsubjpass") and subj is None:
            subj = child
        if dep == "prep":
            feats.append("prep:" + lemma + "|" + child.lower_)
            feats.append("p:" + child.lower_)
        if dep in ("ccomp", "xcomp") and any(m.dep_ == "mark" and m.lower_ == "that" for m in child.children):
            feats.append("that")
            feats.append("that:" + lemma)
    for dep in kids:
        feats.append("k:" + dep)
        if dep in ("ccomp", "xcomp", "dobj", "prep", "parataxis", "advcl", "dative", "nsubjpass", "agent"):
            feats.append("lk:" + lemma + "|" + dep)
    if subj is None:
        feats.append("subj:none")
    else:
        kind = subj.ent_type_ or ("PRON:" + subj.lower_ if subj.pos_ == "PRON" else subj.pos_)
        feats.append("subj:" + kind)
        feats.append("ls:" + lemma + "|" + (subj.ent_type_ or subj.pos_))
        if subj.lower_ in PERSON_PRONOUNS or subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            feats.append("subj:source")
            feats.append("lsrc:" + lemma)
        feats.append("subj_side:" + ("before" if subj.i < tok.i else "after"))
    for offset in (-2, -1, 1, 2):
        j = tok.i + offset
        if 0 <= j < len(doc):
            word = doc[j].text
            if word in QUOTE_CHARS:
                feats.append(f"q{offset}")
            if offset in (-1, 1):
                feats.append(f"w{offset}:" + doc[j].lower_)
    return feats


def cue_ids(feats: list[str]) -> list[int]:
    return hash_ids(feats, N_FEATURES)


def cue_score(tok: Token, weights: Weights) -> float:
    return logistic(float(weights.array("w")[cue_ids(cue_features(tok))].sum()) + weights.scalar("b"))
