"""The claim models' weights and the switches that say how to use them: the claims component's state.

Three small logistic regressions decide what attribution and check-worthiness find: which verbs are
cues (``cues.py``), which content a cue introduces (``contents.py``) and how check-worthy a sentence is
(``checkworthy.py``). Their weights are ``.npz`` files written by ``bench/train_*.py``; the shipped ones
live next to this module. A :class:`ClaimModels` names one file of each plus two switches, is what
the claims component holds, and is what ``nlp.to_disk()`` writes into the component's folder.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .linear import Weights

PACKAGE_DIR = Path(__file__).parent
#: file name and training script of each model's weights
FILES = {
    "cues": ("cue_model.npz", "bench/train_cues.py"),
    "contents": ("content_model.npz", "bench/train_contents.py"),
    "checkworthy": ("checkworthy_model.npz", "bench/train_checkworthy.py"),
}


@cache
def _shipped(name: str) -> Weights:
    """The shipped weights of one model, loaded once per process however many pipelines use them."""
    file, script = FILES[name]
    return Weights(PACKAGE_DIR / file, script)


@dataclass(frozen=True)
class ClaimModels:
    """``contextual``: check-worthiness also reads ``Doc.tensor`` — right only for the spaCy pipeline
    the weights were trained with (see :meth:`uses_tensor`). ``rule_order``: the content chooser takes
    the first candidate in the hand-written rule order instead of asking its weights (how
    ``bench/train_contents.py`` collects candidates before there are weights)."""

    cues: Weights
    contents: Weights
    checkworthy: Weights
    contextual: bool = False
    rule_order: bool = False

    @classmethod
    def shipped(cls, *, contextual: bool = False, rule_order: bool = False) -> ClaimModels:
        return cls(
            _shipped("cues"),
            _shipped("contents"),
            _shipped("checkworthy"),
            contextual=contextual,
            rule_order=rule_order,
        )

    @classmethod
    def from_dir(cls, folder: Path, *, contextual: bool = False, rule_order: bool = False) -> ClaimModels:
        """The weights files a :meth:`to_dir` wrote (an error names a missing one when it is first used)."""
        weights = {name: Weights(folder / file, script) for name, (file, script) in FILES.items()}
        return cls(**weights, contextual=contextual, rule_order=rule_order)

    def to_dir(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, (file, _) in FILES.items():
            source: Weights = getattr(self, name)
            if source.path.resolve() != (folder / file).resolve():
                shutil.copyfile(source.path, folder / file)

    def using(self, **changes: Weights | bool) -> ClaimModels:
        """A copy with other weights or switches (training points the product at what it wrote)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def uses_tensor(self, model_label: str) -> bool:
        """Whether the check-worthiness weights' contextual block applies to this spaCy pipeline."""
        return bool(self.checkworthy.get("tensor_model") == model_label)
