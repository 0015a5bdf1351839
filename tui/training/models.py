"""The trained models a store knows about: where ``newsreview train`` puts them and what it recorded.

Each training run appends one JSON line to ``STORE/models/trained.jsonl`` (the model's folder, base,
labels, article counts and the held-out figures); the same record is in the model's own ``meta.json``
under ``"newsreview"``. ``status`` reads the lines with :func:`trained_models`. Pure Python: no spaCy.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .annotations import MIN_FOR_HELD_OUT

MODELS_DIR = "models"
INDEX = "trained.jsonl"
META_KEY = "newsreview"
UNINDEXED = "trained_articles"  # a run's record in its model's meta.json, not in the store's index: every id


def default_output(store_folder: Path, when: datetime | None = None) -> Path:
    """``STORE/models/ner-YYYYMMDD-HHMMSS``: a new folder per run, next to the store it learnt from."""
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return store_folder / MODELS_DIR / f"ner-{stamp}"


def claim_output(path: Path) -> Path:
    """Make ``path`` (else ``path-2``, ``path-3``…), empty, for this run: the first that did not exist.
    QA: two runs started in the same second both wrote ``ner-…-232553``, the second replacing the
    first's model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        mine = path if n == 1 else path.with_name(f"{path.name}-{n}")
        try:
            mine.mkdir()
        except FileExistsError:
            continue
        return mine
    raise FileExistsError(f"{path}: taken a thousand times")


def record_model(store_folder: Path, info: dict[str, Any]) -> Path:
    """Append one training record to the store's index (one line, flushed to disk)."""
    folder = store_folder / MODELS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INDEX
    line = json.dumps(info, ensure_ascii=False, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def trained_models(store_folder: Path) -> list[dict[str, Any]]:
    """Every training record of a store, oldest first; ``"exists"`` tells whether the model folder is
    still there, ``"replaced"`` whether it now holds another model (another run's record in its
    meta.json, or none: a later ``train -o`` onto the same folder, from this store or another — QA:
    status showed the old model's figure for it). Lines that are not JSON objects (a torn last line)
    are skipped."""
    path = store_folder / MODELS_DIR / INDEX
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("model"), str):
            meta = Path(record["model"]) / "meta.json"
            held: object = None
            try:
                held = json.loads(meta.read_text(encoding="utf-8")).get(META_KEY)
                if isinstance(held, dict):
                    held = {k: v for k, v in held.items() if k != UNINDEXED}  # (the index leaves it out)
                record["exists"] = True
            except (OSError, ValueError, AttributeError):
                record["exists"] = meta.is_file()
            record["replaced"] = record["exists"] and held != {k: v for k, v in record.items() if k != "exists"}
            out.append(record)
    return out


def held_out_line(record: dict[str, Any]) -> str:
    """One line for ``status``: the held-out entity F1 of a trained model, with the base model's."""
    held = record.get("held_out")
    if not held:
        return f"no held-out figure: fewer than {MIN_FOR_HELD_OUT} fully reviewed articles (or --held-out 0)"
    base = held.get("base") or {}
    line = (
        f"held-out F1 {held['f']:.3f} (P {held['p']:.3f}, R {held['r']:.3f}) on {held['articles']} articles, "
        f"{held['entities']} entities"
    )
    if "f" in base:
        line += f"; base model {base['f']:.3f}"
        if worse_than_base(held):
            line += " (worse: keep the base model)"
    return line


def worse_than_base(held: dict[str, Any]) -> bool:
    """Whether the trained model scored below the base model on the held-out articles (QA: a model
    trained longer on a few articles proposed twice the entities, many junk, and nothing said so)."""
    base = held.get("base") or {}
    return "f" in base and held["f"] < base["f"]


def training_report(info: dict[str, Any]) -> Any:
    """A Rich renderable summing up one training run: where the model is, what it learnt from, and the
    held-out P/R/F per label against the base model's. Labels and paths go through ``clean_line``."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from tui.sanitize import clean_line

    arts, ents = info["articles"], info["entities"]
    lines = [
        Text(
            f"trained {clean_line(info['name'])} from {clean_line(info['base'])} in {info['seconds']:.0f} s",
            style="bold",
        ),
        Text(f"saved to {clean_line(info['model'])} (use it with --model)"),
        Text(
            f"learnt from {_n(arts['train'], 'article')} ({arts['train_complete']} fully reviewed), "
            f"{_n(ents['train'], 'entity', 'entities')}, {_n(ents['negatives'], 'rejected span')}, "
            f"{_n(ents.get('kept_from_base', 0), 'entity', 'entities')} of other labels kept from the base model; "
            f"{_n(info.get('updates', info['steps'] + 1), 'step')}, {info['epochs']} epochs"
        ),
        Text("labels: " + ", ".join(clean_line(label) for label in info["labels"])),
    ]
    held = info.get("held_out")
    if not held:
        lines.append(Text(held_out_line(info)))
        return Group(*lines)
    table = Table(
        title=f"held out: {_n(held['articles'], 'article')}, {_n(held['entities'], 'entity', 'entities')}",
        title_justify="left",
    )
    for column in ("label", "P", "R", "F1", "base F1"):
        table.add_column(column, justify="left" if column == "label" else "right")
    base = held.get("base") or {}
    base_per = base.get("per_label", {})
    for label, fig in sorted(held["per_label"].items()):
        b = base_per.get(label)
        table.add_row(
            Text(clean_line(label, 40)),
            f"{fig['p']:.3f}",
            f"{fig['r']:.3f}",
            f"{fig['f']:.3f}",
            f"{b['f']:.3f}" if b else "-",
        )
    table.add_row(
        Text("all", style="bold"), f"{held['p']:.3f}", f"{held['r']:.3f}", f"{held['f']:.3f}", f"{base.get('f', 0):.3f}"
    )
    if not worse_than_base(held):
        return Group(*lines, table)
    return Group(  # said after the table, where the eye ends
        *lines,
        table,
        Text(
            f"⚠ worse than the base model on the held-out articles (F1 {held['f']:.3f} against "
            f"{base['f']:.3f}): reextracting with it would propose worse entities; train on more reviewed "
            "articles, or with fewer steps",
            style="bold yellow",
        ),
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
