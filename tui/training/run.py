"""``newsreview train``: fine-tune a spaCy pipeline's NER on the store's reviewed entities.

spaCy does the work with its own machinery: the annotations (see :mod:`.annotations`) become reference
Docs with *missing* entity values where nothing is known (``Doc.set_ents(..., default="missing")``)
and known-wrong spans in a span group (the NER's ``incorrect_spans_key``), written as DocBin corpora;
the config (``train.cfg`` plus every component of the base pipeline, sourced from it) is initialised
by ``spacy.training.initialize.init_nlp`` and trained by ``spacy.training.loop.train``, with a Rich
progress bar as its logger. Only ``ner`` is updated: the shared ``tok2vec``, the tagger and the parser
(which the claim extraction reads) stay exactly the base's, so only entities change.

A held-out slice of the completely reviewed articles (see :func:`.annotations.split`) is kept out of
training and scored afterwards, for the trained and the base model, over the store's labels; the
figures go into the model's ``meta.json`` and the store's index of trained models.

Imports spaCy: import this module lazily (``newsreview --help`` must not pay for it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import registry
from thinc.api import Config

from extractors.nlp import ModelError, load_model, model_label, resolve_model
from tui.sanitize import clean_line
from tui.store.lock import process_alive

from .annotations import (
    HELD_OUT,
    ArticleAnnotation,
    Span,
    default_labels,
    keep_base,
    split,
    store_annotations,
    store_labels,
)
from .models import META_KEY, UNINDEXED, claim_output, default_output, record_model

CONFIG = Path(__file__).with_name("train.cfg")
INCORRECT_KEY = "newsreview_incorrect"
NAME_SUFFIX = "_newsreview"
LISTENERS = ("spacy.Tok2VecListener.v1", "spacy-transformers.TransformerListener.v1")

LogStep = Callable[[dict[str, Any] | None], None]


class TrainError(RuntimeError):
    """Training cannot start or finish: one line for the user."""


@dataclass
class TrainSettings:
    epochs: int = 10
    max_steps: int | None = None  # updates, at least 2; overrides epochs and the cap
    step_cap: int = 3000  # epochs x steps per epoch stops here: a large store needs fewer passes
    batch_words: int = 1000
    dropout: float = 0.1
    learn_rate: float = 0.001
    held_out: float = HELD_OUT
    seed: int = 0
    keep_other_labels: bool = True  # teach the base model's entities of labels outside the set as they are


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def figures(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class TrainResult:
    output: Path
    info: dict[str, Any]
    index: Path | None = None
    warnings: list[str] = field(default_factory=list)


# -- spaCy registrations: the config names them ----------------------------------------------------


def make_ner_setup(labels: list[str], incorrect_spans_key: str) -> Callable[[Language], Language]:
    """After initialisation: the store's labels the sourced NER lacks are added (its output layer
    grows), and known-wrong spans are read from ``doc.spans[incorrect_spans_key]``. A sourced
    component keeps its own settings, so this is where the key can be set."""

    def setup(nlp: Language) -> Language:
        ner: Any = nlp.get_pipe("ner")
        for label in labels:
            if label not in ner.labels:
                ner.add_label(label)
        ner.cfg["incorrect_spans_key"] = incorrect_spans_key
        ner.moves.cfg["neg_key"] = incorrect_spans_key
        return nlp

    return setup


WORK_PREFIX = ".newsreview-train-"


def _work_host() -> str:
    """This host, and on Linux its process-id namespace (containers sharing a host name each see their
    own processes), as letters, digits, dots and dashes: never the ``+`` that ends it in a name."""
    host = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())[:64] or "host"
    with contextlib.suppress(OSError):
        host += "." + "".join(ch for ch in os.readlink("/proc/self/ns/pid") if ch.isdigit())
    return host


def _work_folder(parent: Path) -> Path:
    """A fresh work folder beside the output, named for this host and process; first the folders of
    runs on this host whose process is gone are removed (QA: a ``kill -9`` left one behind for good).
    Folders of other hosts (a shared disk) and of live processes are left alone."""
    mine = f"{WORK_PREFIX}{_work_host()}+"  # review: "-" let host "vm" take host "vm-9"'s folders
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            if not entry.name.startswith(mine) or not entry.is_dir() or entry.is_symlink():
                continue
            pid = entry.name[len(mine) :].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{mine}{os.getpid()}-", dir=parent))


def make_progress_logger(total_steps: int) -> Callable[..., tuple[LogStep, Callable[[], None]]]:
    """spaCy's training logger, as a Rich progress bar on the loop's stderr: steps, epoch and the NER
    loss per step since the last checkpoint."""

    def setup(
        nlp: Language, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr
    ) -> tuple[LogStep, Callable[[], None]]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=stderr, highlight=False)
        progress = Progress(
            TextColumn("training NER"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("steps  epoch {task.fields[epoch]}  loss {task.fields[loss]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        task = progress.add_task("train", total=total_steps, epoch=1, loss="-")
        last = {"step": -1}
        progress.start()

        def log_step(info: dict[str, Any] | None) -> None:
            if info is None:
                progress.advance(task)
                return
            steps = max(1, info["step"] - last["step"])
            last["step"] = info["step"]
            loss = info["losses"].get("ner", 0.0) / steps
            progress.update(task, advance=1, epoch=info["epoch"] + 1, loss=f"{loss:,.1f}")

        def finalize() -> None:
            # spaCy calls this in a ``finally``: after Ctrl-C or an error the bar stays where training
            # stopped (QA: it jumped to "3000/3000" before the interruption was reported)
            if sys.exc_info()[0] is None:
                progress.update(task, completed=total_steps)
            progress.stop()

        return log_step, finalize

    return setup


registry.callbacks.register("newsreview.ner_setup.v1", func=make_ner_setup)
registry.loggers.register("newsreview.progress.v1", func=make_progress_logger)


# -- annotations -> spaCy Docs ---------------------------------------------------------------------


def reference_doc(doc: Doc, ann: ArticleAnnotation) -> tuple[Doc, list[Any]]:
    """Set ``doc``'s entity annotation from ``ann`` (``doc`` is the base tokenizer's Doc of its text):
    its entities and the base model's kept ones as entities, "O" across a complete article except
    where ``ann.unknown`` says nothing is known, missing everywhere else; its negatives in the span
    group the NER reads as known-wrong. Returns the Doc and the reviewed entities that did not fall on
    token boundaries (their tokens are left missing: the tokenizer cannot express them)."""
    known = [ann.complete] * len(doc)
    for start, end in ann.unknown:
        wide = doc.char_span(start, end, alignment_mode="expand")
        if wide is not None:
            for i in range(wide.start, wide.end):
                known[i] = False
    ents = []
    misaligned: list[Any] = []
    for ent in ann.entities + ann.kept:
        span = doc.char_span(ent.start, ent.end, label=ent.label)
        if span is None:
            if ent in ann.entities:
                misaligned.append(ent)
            wide = doc.char_span(ent.start, ent.end, alignment_mode="expand")
            if wide is not None:
                for i in range(wide.start, wide.end):
                    known[i] = False
            continue
        ents.append(span)
    taken = {i for span in ents for i in range(span.start, span.end)}
    outside = [doc[i : i + 1] for i, k in enumerate(known) if k and i not in taken]
    doc.set_ents(ents, outside=outside, default="missing")
    negatives = [
        doc.char_span(n.start, n.end, label=n.label)
        for n in ann.negatives
        if not any(n.start < k.end and k.start < n.end for k in ann.kept)  # as with entities (annotate)
    ]
    doc.spans[INCORRECT_KEY] = [span for span in negatives if span is not None]
    return doc, misaligned


def has_annotation(doc: Doc) -> bool:
    return doc.has_annotation("ENT_IOB") or bool(doc.spans.get(INCORRECT_KEY))


# -- config ----------------------------------------------------------------------------------------


def build_config(
    base_nlp: Language,
    base: str,
    labels: Iterable[str],
    *,
    train_path: Path,
    dev_path: Path,
    max_steps: int,
    settings: TrainSettings,
) -> Config:
    """``train.cfg`` plus the base pipeline: every component sourced from ``base``, all but ``ner``
    frozen. A NER that listens to a shared tok2vec gets its own copy (``replace_listeners``), so
    training it leaves the shared layer, and the tagger and parser reading it, as they were."""
    config = Config().from_disk(CONFIG, interpolate=False)
    base_config = base_nlp.config
    config["nlp"] = {k: v for k, v in base_config["nlp"].items()}
    config["components"] = {}
    for name in base_config["nlp"]["pipeline"]:
        block: dict[str, Any] = {"source": base}
        if name == "ner":
            arch = base_config["components"]["ner"].get("model", {}).get("tok2vec", {}).get("@architectures", "")
            if arch in LISTENERS:
                block["replace_listeners"] = ["model.tok2vec"]
        config["components"][name] = block
    frozen = [name for name in base_config["nlp"]["pipeline"] if name != "ner"]
    config["paths"]["base"] = base
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    training = config["training"]
    training["frozen_components"] = frozen
    training["max_steps"] = max_steps
    # the dev corpus is one training Doc, only because the loop needs one: the held-out articles are
    # scored once, after training, so nothing is chosen on them. A checkpoint is saved per evaluation.
    training["eval_frequency"] = max(20, max_steps // 10)
    training["dropout"] = settings.dropout
    training["seed"] = settings.seed
    training["batcher"]["size"] = settings.batch_words
    training["optimizer"]["learn_rate"] = settings.learn_rate
    training["logger"]["total_steps"] = max_steps + 1  # the loop runs steps 0..max_steps
    config["initialize"]["after_init"]["labels"] = sorted(labels)
    config["initialize"]["after_init"]["incorrect_spans_key"] = INCORRECT_KEY
    return config


# -- scoring ---------------------------------------------------------------------------------------


def ner_counts(examples: Iterable[Example], labels: set[str]) -> dict[str, Counts]:
    """Exact-span counts per label (labels in ``labels`` only), spaCy's rule for partial annotation:
    a prediction over a token whose annotation is missing is neither right nor wrong."""
    out: dict[str, Counts] = {label: Counts() for label in sorted(labels)}
    for eg in examples:
        gold = {(e.label_, e.start, e.end) for e in eg.reference.ents if e.label_ in labels}
        align = eg.alignment.x2y
        for pred in eg.predicted.ents:
            if pred.label_ not in labels:
                continue
            idx = align[pred.start : pred.end]
            if not len(idx):
                continue
            g_span = eg.reference[idx[0] : idx[-1] + 1]
            if any(tok.ent_iob == 0 for tok in g_span):
                continue
            key = (pred.label_, int(idx[0]), int(idx[-1]) + 1)
            if key in gold:
                out[pred.label_].tp += 1
                gold.remove(key)
            else:
                out[pred.label_].fp += 1
        for label, _, _ in gold:
            out[label].fn += 1
    return out


def score(nlp: Language, refs: list[Doc], labels: set[str]) -> dict[str, Any]:
    """P/R/F of ``nlp`` on reference Docs over ``labels``: micro-averaged and per label."""
    preds = nlp.pipe((ref.text for ref in refs), batch_size=16)
    per_label = ner_counts((Example(p, r) for p, r in zip(preds, refs, strict=True)), labels)
    total = Counts()
    for counts in per_label.values():
        total.add(counts)
    return {
        **total.figures(),
        "per_label": {k: v.figures() for k, v in per_label.items() if v.tp + v.fp + v.fn},
    }


# -- the run ---------------------------------------------------------------------------------------


def _model_name(base_nlp: Language) -> str:
    name = str(base_nlp.meta.get("name", "pipeline"))
    return name if name.endswith(NAME_SUFFIX) else name + NAME_SUFFIX


def _prepare_output(output: Path, force: bool) -> None:
    """``output`` must be new, empty, or (with ``force``) a spaCy pipeline folder: --force never
    replaces a folder that holds anything else."""
    shown = clean_line(output)
    if output.exists():
        if not output.is_dir():
            raise TrainError(f"{shown} is a file; pass a folder with -o")
        if any(output.iterdir()):
            if not force:
                raise TrainError(f"{shown} already exists and is not empty; pass --force to replace it, or another -o")
            if not ((output / "meta.json").is_file() and (output / "config.cfg").is_file()):
                raise TrainError(f"{shown} is not a spaCy pipeline folder; --force only replaces one of those")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise TrainError(f"cannot create {clean_line(output.parent)}: {err.strerror or err}") from None


def train_from_store(
    store_path: str | Path,
    output: Path | None = None,
    *,
    base: str | None = None,
    labels: Iterable[str] | None = None,
    settings: TrainSettings | None = None,
    force: bool = False,
    stderr: IO[str] | None = None,
    record: bool = True,
) -> TrainResult:
    """Train, save to ``output`` (default: a new folder under ``STORE/models``), record the run in the
    store's index of trained models. Raises :class:`TrainError` (or the store's and model loader's
    own errors) with one-line messages."""
    from tui.store import ReviewStore

    settings = settings or TrainSettings()
    err_stream = stderr if stderr is not None else sys.stderr
    started = time.perf_counter()
    warnings: list[str] = []

    with ReviewStore.open(store_path) as store:
        folder = _folder_of(store)
        shown = clean_line(store.location)
        label_set = set(labels) if labels is not None else default_labels(store)
        if labels is not None:  # a typo trained minutes on nothing (found by QA)
            present = store_labels(store)
            unknown = sorted(label_set - present)
            if unknown:
                known = ", ".join(clean_line(x, 30) for x in sorted(present)[:20]) + (" …" if len(present) > 20 else "")
                named = ", ".join(f"'{clean_line(x, 40)}'" for x in unknown[:10]) + (" …" if len(unknown) > 10 else "")
                raise TrainError(  # (QA: FOO,BAR named BAR alone)
                    f"--labels: no entity in the store has the label{'s' if len(unknown) > 1 else ''} {named} "
                    f"(its labels: {known or 'none yet'})"
                )
        if not label_set:
            raise TrainError(f"{shown}: no reviewed entities yet (accept, edit or add some first)")
        annotations = store_annotations(store, label_set)
        models = {a.article_id: store.article_info(a.article_id).get("model") for a in annotations}
    if not annotations:
        raise TrainError(f"{shown}: no article has an entity decision yet: nothing to learn from")
    claim = False
    if output is not None:
        output = Path(output)
    elif folder is not None:
        output = default_output(folder)
        claim = True  # made, with a suffix if taken, once training starts (see claim_output)
    else:
        raise TrainError(f"{shown} is not a store folder: pass -o DIR for the model")
    _prepare_output(output, force)

    base_name = resolve_model(base)
    base_ref = str(Path(base_name).resolve()) if Path(base_name).exists() else base_name
    base_nlp = load_model(base_ref)
    if "ner" not in base_nlp.pipe_names:
        raise ModelError(f"model '{clean_line(base_name)}' has no NER component to fine-tune")
    base_label = model_label(base_nlp)

    base_extraction = _extraction_nlp(base_ref)
    # the base model's entities with labels outside the set: the store's pending candidates are exactly
    # those when the article was extracted with this model; otherwise the base model reads the article
    rerun = [a for a in annotations if models.get(a.article_id) != base_label]
    predicted: dict[str, list[Span]] = {a.article_id: a.others for a in annotations}
    for ann, doc in zip(rerun, base_extraction.pipe((a.text for a in rerun), batch_size=16), strict=True):
        spans = [Span(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ not in label_set]
        ann.unknown.extend((s.start, s.end) for s in spans)  # a complete article says nothing there
        predicted[ann.article_id] = spans
    if settings.keep_other_labels:
        for ann in annotations:
            keep_base(ann, predicted[ann.article_id], label_set)

    train_anns, held_anns = split(annotations, settings.held_out)
    # QA: a base trained here before its store had a held-out slice had learnt the article the slice
    # then took, and its "held-out" figure was scored on it: an article the base learnt is trained on
    seen = set(base_nlp.meta.get(META_KEY, {}).get("trained_articles") or ())
    if seen & {a.article_id for a in held_anns}:
        train_anns += [a for a in held_anns if a.article_id in seen]
        held_anns = [a for a in held_anns if a.article_id not in seen]
        if not held_anns:
            warnings.append("no held-out figure: the base model learnt every article the held-out slice holds")
    train_docs, train_misaligned = _reference_docs(base_nlp, train_anns)
    held_docs, held_misaligned = _reference_docs(base_nlp, held_anns)
    off = train_misaligned + held_misaligned
    misaligned = len(off)
    if off:  # QA: the count did not say which, and they were counted as learnt all the same
        aid, ent = off[0]
        warnings.append(
            f"{misaligned} reviewed entit{'y does' if misaligned == 1 else 'ies do'} not fall on token boundaries "
            f"and {'was' if misaligned == 1 else 'were'} left out (the first: article '{clean_line(aid, 80)}', "
            f"{ent.start}..{ent.end} {clean_line(ent.label, 30)})"
        )
    if not train_docs:
        raise TrainError(f"{shown}: the reviewed articles hold no entity annotation to learn from")
    words = sum(len(doc) for doc in train_docs)
    # as spaCy's batcher cuts them (train.cfg's tolerance, 0.2, makes more batches than words / size: QA counted
    # 1,098 epochs where newsreview said 1,500, and --epochs N made about 0.7 N passes)
    from spacy.training.batchers import minibatch_by_words

    steps_per_epoch = max(1, sum(1 for _ in minibatch_by_words(train_docs, size=settings.batch_words, tolerance=0.2)))
    # spaCy's last step (its loop counts from step 0: N updates end at step N - 1; QA: --max-steps 1 made 2)
    if settings.max_steps is not None and settings.max_steps < 2:
        raise TrainError("--max-steps: at least 2 (spaCy's training loop cannot stop after one update)")
    updates = settings.max_steps or max(2, min(settings.epochs * steps_per_epoch, settings.step_cap))
    max_steps = updates - 1

    try:
        work = _work_folder(output.parent)
    except OSError as err:
        raise TrainError(f"cannot write in {clean_line(output.parent)}: {err.strerror or err}") from None
    try:
        if claim:
            output = claim_output(output)
        DocBin(docs=train_docs, store_user_data=False).to_disk(work / "train.spacy")
        DocBin(docs=train_docs[:1], store_user_data=False).to_disk(work / "dev.spacy")
        config = build_config(
            base_nlp,
            base_ref,
            label_set,
            train_path=work / "train.spacy",
            dev_path=work / "dev.spacy",
            max_steps=max_steps,
            settings=settings,
        )
        nlp = _init(config)
        nlp.meta.update(
            {
                "name": _model_name(base_nlp),
                # to the microsecond: two runs of one second are two models (QA)
                "version": f"{base_nlp.meta.get('version', '0.0.0')}+{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}",
                "description": f"{base_label} with its NER fine-tuned by newsreview on reviewed entities",
                "license": base_nlp.meta.get("license", ""),
                "sources": base_nlp.meta.get("sources", []),
            }
        )
        from spacy.training.loop import train as spacy_train

        (work / "out").mkdir()
        spacy_train(nlp, work / "out", stdout=io.StringIO(), stderr=err_stream)
        trained_dir = work / "out" / "model-last"
        trained = _extraction_nlp(str(trained_dir))  # the folder loads as newsreview's --model
        seconds_training = time.perf_counter() - started
        info = _info(
            store_location=str(folder.resolve()) if folder is not None else shown,
            output=output,
            trained=trained,
            base_label=base_label,
            base_name=base_name,
            tensor_model=str(base_nlp.meta.get(META_KEY, {}).get("tensor_model", base_label)),
            labels=label_set,
            train_anns=train_anns,
            held_anns=held_anns,
            words=words,
            steps=max_steps,
            steps_per_epoch=steps_per_epoch,
            misaligned=misaligned,
            left_out=len(train_misaligned),
            seen=seen,
            settings=settings,
        )
        if held_docs:
            info["held_out"] = {
                "articles": len(held_docs),
                "entities": sum(e.label_ in label_set for doc in held_docs for e in doc.ents),
                **score(trained, held_docs, label_set),
                "base": score(base_extraction, held_docs, label_set),
            }
        info["seconds"] = round(time.perf_counter() - started, 1)
        info["seconds_training"] = round(seconds_training, 1)
        _write_meta(trained_dir, info)
        _tidy_config(trained_dir)
        _move_into_place(trained_dir, output, work)
    except OSError as err:  # a full disk, a folder that went away: the store is untouched either way
        raise TrainError(f"cannot write the model to {clean_line(output)}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if claim:
            with contextlib.suppress(OSError):
                output.rmdir()  # the folder claimed for a run that did not finish (left if it holds the model)
    index = None
    if record and folder is not None:
        try:
            index = record_model(folder, {k: v for k, v in info.items() if k != UNINDEXED})
        except OSError as err:
            warnings.append(
                f"the model is saved, but the store's list of models could not be written: {err.strerror or err}"
            )
    elif record:
        warnings.append("the store is not a folder: this model is not in its list of models")
    return TrainResult(output=output, info=info, index=index, warnings=warnings)


def _extraction_nlp(model: str) -> Language:
    """The pipeline as newsreview extracts with it (``Extractor``: the paragraph splitter added), its
    claims component switched off: held-out figures are those of the entities ``add`` would propose."""
    from extractors.pipeline import COMPONENT, Extractor

    nlp: Language = Extractor(model).nlp
    if COMPONENT in nlp.pipe_names:
        nlp.disable_pipe(COMPONENT)
    return nlp


def _folder_of(store: Any) -> Path | None:
    """The store's folder (the default home of its models and their list), or None for a store that
    is not a folder."""
    from tui.store import StoreError

    try:
        return Path(store.folder)
    except StoreError:
        return None


def _reference_docs(nlp: Language, anns: list[ArticleAnnotation]) -> tuple[list[Doc], list[tuple[str, Any]]]:
    """The reference Docs, and (article, entity) of each reviewed entity off token boundaries."""
    docs = []
    misaligned: list[tuple[str, Any]] = []
    for ann in anns:
        doc, bad = reference_doc(nlp.make_doc(ann.text), ann)
        misaligned += [(ann.article_id, ent) for ent in bad]
        if has_annotation(doc):
            docs.append(doc)
    return docs, misaligned


def _init(config: Config) -> Language:
    """spaCy's ``init_nlp``, its INFO logging kept off the terminal (the progress bar is the output)."""
    import logging

    from spacy.training.initialize import init_nlp
    from spacy.util import logger as spacy_logger

    level = spacy_logger.level
    spacy_logger.setLevel(logging.WARNING)
    try:
        return init_nlp(config)
    finally:
        spacy_logger.setLevel(level)


def _info(
    *,
    store_location: str,
    output: Path,
    trained: Language,
    base_label: str,
    base_name: str,
    tensor_model: str,
    labels: set[str],
    train_anns: list[ArticleAnnotation],
    held_anns: list[ArticleAnnotation],
    words: int,
    steps: int,
    steps_per_epoch: int,
    misaligned: int,
    left_out: int,
    seen: set[str],
    settings: TrainSettings,
) -> dict[str, Any]:
    return {
        "model": str(output.resolve()),
        "name": model_label(trained),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": store_location,
        "base": base_label,
        "base_model": base_name,
        # the shared tok2vec is frozen, so Doc.tensor is still that model's (the claims read it)
        "tensor_model": tensor_model,
        "labels": sorted(labels),
        "articles": {
            "train": len(train_anns),
            "train_complete": sum(a.complete for a in train_anns),
            "held_out": len(held_anns),
        },
        # every article its weights have seen, its base's included: a model trained from it holds none out
        "trained_articles": sorted({a.article_id for a in train_anns} | set(seen)),
        "entities": {
            "train": sum(len(a.entities) for a in train_anns) - left_out,  # (those off token boundaries are not)
            "negatives": sum(len(a.negatives) for a in train_anns),
            "kept_from_base": sum(len(a.kept) for a in train_anns),
            "misaligned": misaligned,
            "overlapping": sum(a.overlapping for a in train_anns + held_anns),
        },
        "words": words,
        "steps": steps,  # spaCy's last step (it counts from 0)
        "updates": steps + 1,
        "epochs": round((steps + 1) / steps_per_epoch, 1),
        "settings": {
            "batch_words": settings.batch_words,
            "dropout": settings.dropout,
            "learn_rate": settings.learn_rate,
            "held_out": settings.held_out,
            "seed": settings.seed,
            "keep_other_labels": settings.keep_other_labels,
        },
        "held_out": None,
    }


def _write_meta(model_dir: Path, info: dict[str, Any]) -> None:
    """The run's record goes into the model's meta.json; spaCy's "performance" there (from the loop's
    stand-in dev Doc) is replaced by the held-out figures."""
    path = model_dir / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta[META_KEY] = info
    held = info.get("held_out")
    meta["performance"] = (
        {"ents_p": held["p"], "ents_r": held["r"], "ents_f": held["f"], "ents_per_type": held["per_label"]}
        if held
        else {}
    )
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def _tidy_config(model_dir: Path) -> None:
    """The saved config names this run's temporary corpora: point them nowhere, as spaCy's own
    packaged pipelines do."""
    path = model_dir / "config.cfg"
    config = Config().from_disk(path, interpolate=False)
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(path)


def _move_into_place(trained_dir: Path, output: Path, work: Path) -> None:
    if output.exists():
        output.rename(work / "replaced")
    trained_dir.rename(output)
