"""newsreview's spaCy pipeline components: paragraph breaks as sentence starts, and the claims.

Registered with spaCy when this module is imported (and through the ``spacy_factories`` entry points,
so ``spacy.load()`` of a pipeline saved with them finds them without importing newsreview first):

- ``newsreview_paragraphs`` — a line break ends a sentence, so titles and paragraphs without a final
  period stay apart; it goes before the parser, which keeps sentence starts it is given;
- ``newsreview_claims`` — the claims of each Doc (``extractors.claims.find_claims``) in
  ``doc._.newsreview_claims``; it holds the claim models' weights as its state, so ``nlp.to_disk()`` writes them
  into its folder and ``spacy.load()`` reads them back from there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path

from spacy.attrs import IDX, SENT_START  # (compiled, no stubs)
from spacy.language import Language
from spacy.tokens import Doc

from .claims import ClaimModels, find_claims

PARAGRAPHS = "newsreview_paragraphs"
CLAIMS = "newsreview_claims"
#: the Doc extension the claims component writes: ``doc._.newsreview_claims`` (named for the package:
#: the entry points register it in every spaCy program of the environment)
CLAIMS_ATTR = "newsreview_claims"

if not Doc.has_extension(CLAIMS_ATTR):
    Doc.set_extension(CLAIMS_ATTR, default=None)


@Language.component(PARAGRAPHS, assigns=["token.is_sent_start"])
def paragraphs(doc: Doc) -> Doc:
    """The token after one holding a line break starts a sentence. Written with ``Doc.from_array``:
    the ``Token.is_sent_start`` setter checks the whole Doc for a parse on each call (quadratic)."""
    starts = doc.to_array([IDX]).tolist()
    after = {bisect_right(starts, m.start()) for m in re.finditer("\n", doc.text)}  # the next token
    after.discard(len(doc))
    if after:
        column = doc.to_array([SENT_START])
        column[sorted(after)] = 1
        doc.from_array([SENT_START], column)  # type: ignore[arg-type]  # (the stub says to_array gives floats)
    return doc


class ClaimsComponent:
    """Writes ``find_claims(doc)`` to ``doc._.newsreview_claims``; its state is the claim models' weights."""

    def __init__(self, name: str, models: ClaimModels):
        self.name = name
        self.models = models

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsreview_claims = find_claims(doc, self.models)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.models.to_dir(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimsComponent:
        self.models = ClaimModels.from_dir(
            Path(path), contextual=self.models.contextual, rule_order=self.models.rule_order
        )
        return self


@Language.factory(
    CLAIMS,
    requires=["doc.sents", "token.dep", "token.head"],
    assigns=[f"doc._.{CLAIMS_ATTR}"],
    default_config={"contextual": False, "rule_order": False},
)
def make_claims(nlp: Language, name: str, contextual: bool, rule_order: bool) -> ClaimsComponent:
    """``contextual``: check-worthiness also reads ``Doc.tensor`` — set it only for the spaCy pipeline
    the check-worthiness weights were trained with (``ClaimModels.uses_tensor``; the extraction does).
    ``rule_order``: the content chooser follows the hand-written rule order instead of its weights."""
    return ClaimsComponent(name, ClaimModels.shipped(contextual=contextual, rule_order=rule_order))
