"""CoNLL++ (corrected CoNLL-2003 English NER) read by path, as ../shared/data/README.md describes it.

A document's text is its sentences' tokens joined by single spaces, sentences by newlines; a gold
entity's offsets are then exact character offsets into that text. CoNLL's four classes map to spaCy's
labels as the data's README says.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

CLASSES = ("PER", "ORG", "LOC", "MISC")
TO_SPACY: dict[str, tuple[str, ...]] = {
    "PER": ("PERSON",),
    "ORG": ("ORG",),
    "LOC": ("GPE", "LOC", "FAC"),
    "MISC": ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"),
}
TO_CLASS = {label: cls for cls, labels in TO_SPACY.items() for label in labels}
STORE_LABELS = tuple(TO_CLASS)


@dataclass
class GoldDoc:
    text: str
    entities: list[tuple[int, int, str]]  # (start, end, CoNLL class)


def read_conll(path: Path) -> list[GoldDoc]:
    docs: list[GoldDoc] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            sentences.append(sentence)
        sentence = []

    def end_doc() -> None:
        nonlocal sentences
        end_sentence()
        if sentences:
            docs.append(_gold_doc(sentences))
        sentences = []

    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                end_doc()
            elif not line.strip():
                end_sentence()
            else:
                parts = line.split()
                sentence.append((parts[0], parts[-1]))
    end_doc()
    return docs


def _gold_doc(sentences: list[list[tuple[str, str]]]) -> GoldDoc:
    pieces: list[str] = []
    entities: list[tuple[int, int, str]] = []
    offset = 0
    for n, sent in enumerate(sentences):
        if n:
            pieces.append("\n")
            offset += 1
        current: list[Any] | None = None  # [start, end, class]
        for i, (token, tag) in enumerate(sent):
            if i:
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            kind, _, cls = tag.partition("-")
            if kind == "I" and current is not None and current[2] == cls:
                current[1] = end
                continue
            if current is not None:
                entities.append(tuple(current))  # type: ignore[arg-type]
                current = None
            if kind in ("B", "I"):
                current = [start, end, cls]
        if current is not None:
            entities.append(tuple(current))  # type: ignore[arg-type]
    text = "".join(pieces)
    for s, e, _ in entities:
        assert text[s:e] == text[s:e].strip() and s < e
    return GoldDoc(text, entities)
