"""Adding articles to the store: load, skip duplicates, extract (one spaCy pass), store; with progress.

Used by ``newsreview add`` and ``newsreview [PATH...]``; spaCy is imported only if something must be
extracted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from extractors.loaders import iter_articles, shown
from extractors.records import Article, InputError

from .sanitize import clean_line
from .store import DecisionError, ReviewStore, StoreError

STORE_FOLDER = "a newsreview store, or part of one: its files are the store's own, not articles"


def skip_stores(met: list[str] | None = None) -> Callable[[Path], str | None]:
    """For :func:`extractors.loaders.iter_articles`: store folders are not read for articles (``add .``
    from a folder holding the store read its index, journals and article files as broken articles);
    each one met goes into ``met``."""
    from .store.folder import is_store_folder, store_entry_at

    def skip(path: Path) -> str | None:
        if not is_store_folder(path) and store_entry_at(path) is None:  # a store, or its articles/ …
            return None
        if met is not None:
            met.append(shown(path))
        return STORE_FOLDER

    return skip


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, existing article id)
    failed: list[str] = field(default_factory=list)  # one-line reasons
    skipped: list[str] = field(default_factory=list)  # store folders met in the folders given
    first_article: str | None = None
    warnings: list[str] = field(default_factory=list)  # said, not failures (exit code unchanged)
    answers: int = 0  # Prodigy answers recorded as decisions
    answered_paths: set[str] = field(default_factory=set)  # where those tasks were read from
    words: int = 0
    seconds: float = 0.0
    hidden: dict[str, int] = field(default_factory=dict)  # imported spans' labels outside the label set
    #: the texts added (by their hash): two inputs may carry one id — the second refused — so an
    #: article read is known as added by its text, not its id (review: its answer went to the first)
    added_texts: set[str] = field(default_factory=set)


_EXTRACTING = False


def _in_worker() -> None:
    """In a process forked for extraction (spaCy's ``n_process``): Ctrl-C is the parent's to handle (no
    worker tracebacks), and the worker dies with its parent instead of outliving a ``kill -9``."""
    if not _EXTRACTING:
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


os.register_at_fork(after_in_child=_in_worker)


def stop_workers() -> None:
    """Kill extraction worker processes at once (Ctrl-C, SIGTERM): nothing they hold is needed."""
    import multiprocessing
    import warnings

    warnings.filterwarnings("ignore", message=r".*W127")  # spaCy: "not all workers completed" — we stopped them
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.join(timeout=1)


def interrupt(signum: int, frame: object) -> None:
    """Signal handler while extracting: stop the workers first (spaCy's pipe would otherwise wait for
    them to finish their queued batches), then unwind like Ctrl-C."""
    stop_workers()
    raise KeyboardInterrupt(signum)


def load_extractor(model: str | None) -> Any:
    from extractors.pipeline import Extractor

    return Extractor(model).load()


def add_paths(
    store: ReviewStore, paths: Iterable[Path], *, model: str | None = None, jobs: int = 1, console: Any = None
) -> AddResult:
    result = AddResult()
    todo: list[Article] = []
    seen: dict[str, str] = {}
    more_answers: list[Article] = []  # Prodigy tasks on a text already there (or read before)
    paths = list(paths)
    met: list[str] = []
    for item in iter_articles(paths, skip=skip_stores(met)):
        if isinstance(item, InputError):
            result.failed.append(str(item))
            continue
        existing = store.find_duplicate(item.text_sha) or seen.get(item.text_sha)
        if existing:
            result.duplicates.append((item.path, existing))
            result.first_article = result.first_article or existing
            if item.task is not None:  # another annotator's task on the same text
                more_answers.append(item)
            continue
        seen[item.text_sha] = item.id
        todo.append(item)
    named = {shown(p) for p in paths}  # a store named on the command line is an error, said above
    result.skipped = [m for m in met if m not in named]
    if todo:
        _extract_into(store, todo, model, jobs, console, result)
    new = [art for art in todo if art.text_sha in result.added_texts]
    labels = store.labels
    if labels is not None:  # QA: another tool's PER/LOC spans went out of sight without a word
        for art in new:
            for span in art.imported_spans:
                if span["label"] not in labels:
                    result.hidden[span["label"]] = result.hidden.get(span["label"], 0) + 1
    # a task on a text this run added is said if it records nothing (the db-out's second annotator's
    # too: QA); one on a text the store held before is not said again (review: every later run of the
    # same file failed on it)
    fresh = {id(a) for a in new} | {id(t) for t in more_answers if t.text_sha in result.added_texts}
    answered, failed = record_answers(
        store, [(a.id, a) for a in new], more=more_answers, warnings=result.warnings, fresh=fresh
    )
    result.answers += len(answered)
    result.answered_paths.update(str(task.path) for task in answered)
    result.failed += failed
    if console is not None:
        _report(console, result)
    return result


Answer = tuple[Article, str, str]  # (the task, accept or reject, "manual" or "binary")


def record_answers(
    store: ReviewStore,
    tasks: list[tuple[str, Article]],
    *,
    more: Iterable[Article] = (),
    warnings: list[str] | None = None,
    fresh: set[int] | None = None,
) -> tuple[list[Article], list[str]]:
    """Prodigy tasks carry their annotators' answers: record them as those reviewers' decisions.

    - An accepted ner.manual task (``ner_manual``, ``spans_manual``, or no view named) is complete —
      its spans are right and nothing else is an entity — so its spans are accepted (added where the
      article has no such candidate: another annotator's task on the same text made the article's
      imported ones) and every other entity rejected, another annotator's additions included; a
      rejected task's spans are rejected. One such task an annotator and article: the first.
    - A binary task (``ner``: ner.teach) asks about its spans alone: accepted, they are accepted (or
      added); rejected, rejected. Every one counts, in the order read; other entities are left alone.
    - A task of another view (a classification, a choice) holds no entity decision: its answer is not
      read, and said so.

    A task of our own export says more in its meta: reviewed entities that overlap its spans
    (``overlapping_spans``, accepted like them), entities not decided (``pending_spans``,
    ``disputed_spans``) and the label set the review saw (``labels``): those, and entities of other
    labels, are left alone. ``tasks``: (the article in ``store`` holding the task's text, the task);
    ``more``: tasks on a text the store already held (their article is found by its text; one whose
    text is not stored — it failed to be added — is passed over); those without an answer, and those
    whose annotator already decided on that article (the same file added again), are passed over.

    Two passes, so that the result does not depend on the order of the annotators: first every
    accepted task's missing spans are added (as its annotator's additions), then every annotator
    decides on what the article holds by then. Returns (the tasks whose answers were recorded,
    failures as one line each). Used by ``add`` and the app's ``+``; an annotator who is the store's
    own reviewer writes through ``store``, any other through a writer of their own (their own
    journal). ``fresh``: the tasks (by ``id()``) to say are recording nothing, if not all of them;
    ``warnings`` gets look-alike annotator names."""
    from .formats import prodigy_decisions

    tasks = list(tasks)
    for task in more:
        found_aid = store.find_duplicate(task.text_sha)
        if found_aid is not None:
            tasks.append((found_aid, task))
    by_annotator: dict[str, dict[str, list[Answer]]] = {}
    recorded: list[Article] = []
    failed: list[str] = []
    for aid, task in tasks:
        found = prodigy_decisions(task.task)
        if found is not None:
            annotator, answer, kind = found
            answers = by_annotator.setdefault(annotator, {}).setdefault(aid, [])
            if kind == "binary" or not any(k == "manual" for _, _, k in answers):
                answers.append((task, answer, kind))
            continue
        if task.task is None or (fresh is not None and id(task) not in fresh):
            continue
        # said for every such task on a text this run added, not only the first on it (QA: a db-out's
        # second annotator's went by); ``fresh`` keeps a later run of the same file quiet
        answer, view = task.task["answer"], task.task["view"]
        if answer not in ("accept", "reject", "ignore"):
            # QA: a Prodigy task answered "maybe" was stored, its answer passed over without a word
            shown = answer if isinstance(answer, str) else orjson.dumps(answer).decode()
            failed.append(
                f"{clean_line(task.path, 120)}: field 'answer': '{clean_line(shown, 40)}' is not "
                "accept, reject or ignore; the article is stored, no decision recorded"
            )
        elif answer != "ignore" and task.task["kind"] is None:
            # QA: a classification task's accept rejected every entity of its text
            failed.append(
                f"{clean_line(task.path, 120)}: field '_view_id': a Prodigy '{clean_line(view, 40)}' task holds "
                "no entity decisions (ner_manual, spans_manual and ner tasks do, and blocks and relations "
                "tasks with spans); the article is stored, its answer not recorded"
            )

    def failure(annotator: str, items: dict[str, list[Answer]], err: StoreError) -> None:
        paths = sorted({str(task.path) for answers in items.values() for task, _, _ in answers if task.path})
        where = clean_line(paths[0], 120) + (f" (and {len(paths) - 1} more)" if len(paths) > 1 else "") if paths else ""
        failed.append(f"{where + ': ' if where else ''}{clean_line(annotator, 60)}'s answers were not recorded: {err}")

    @contextlib.contextmanager
    def writer(annotator: str) -> Iterator[ReviewStore]:
        """The annotator's writer, open only while it is used (a db-out may hold hundreds of annotators:
        one open store each ran out of file descriptors, or of PostgreSQL connections); the store's own
        reviewer writes through ``store``, whose changes the app's next refresh still reports."""
        if store.mode == "review" and store.reviewer == annotator:
            store.refresh(hold=True)
            yield store
            return
        with ReviewStore.open(
            store.location, write=True, reviewer=annotator, holder="'newsreview add' (answers)"
        ) as st:
            yield st

    todo: dict[str, tuple[dict[str, list[Answer]], set[str], set[tuple[str, int, int, str]]]] = {}
    for annotator, items in by_annotator.items():  # pass 1: every accepted task's spans exist
        # the desk's own view back in its store: passed over before a writer is opened for it (QA,
        # re-test: it left a lock file of a reviewer "alice+bob" who never decided)
        items = {aid: answers for aid, answers in items.items() if not _desk_answered(store, annotator, aid)}
        if not items:
            continue
        try:
            with writer(annotator) as st:
                # the same file again records nothing twice: an article the annotator has answered on is
                # passed over — but for binary tasks, each its own question, only the spans decided
                # already are (review: a later db-out's new ner.teach answers were dropped)
                mine = {}
                for aid, answers in items.items():
                    if _has_answered(st, aid):
                        answers = [a for a in answers if a[2] == "binary"]
                    if answers:
                        mine[aid] = answers
                alike = st.look_alikes() if warnings is not None else []
                if alike and warnings is not None:  # QA: "ANN-BOB" beside the desk's "ann-bob", no word
                    warnings.append(
                        f"Prodigy annotator '{clean_line(annotator, 64)}' is new to this store, but "
                        f"'{clean_line(alike[0], 64)}' is on its desk: decisions under two names count as "
                        "two reviewers'"
                    )
                own: set[str] = set()
                todo[annotator] = (mine, own, _add_missing(st, mine, own))
        except StoreError as err:
            todo.pop(annotator, None)
            failure(annotator, items, err)
    for annotator, (mine, own, made) in todo.items():  # pass 2: the decisions, on what the articles hold now
        try:
            with writer(annotator) as st:
                recorded += _decide(st, mine, own, made)
        except StoreError as err:
            failure(annotator, mine, err)
    return recorded, failed


def _has_answered(st: ReviewStore, aid: str) -> bool:
    """Whether the annotator has decided on the article's entities (the same file added again), not
    only added their own: a run that failed between the two passes left the additions, and its retry
    must still record the decisions (it passed over the article for good)."""
    if not st.has_decided(aid):
        return False
    return any(c["status"] in ("accepted", "rejected", "edited") for c in st.candidates(aid, "entity", plain=True))


def _desk_answered(st: ReviewStore, annotator: str, aid: str) -> bool:
    """Whether a task of our own export's desk view ("alice+bob": the reviewers of its final view,
    joined) is back in the store it came from, every one of them having decided on the article: it is
    their review again, not a new reviewer's (QA: "alice+bob" became a reviewer of its own, and an
    edit both had agreed on a dispute)."""
    names = annotator.split("+")
    return len(names) > 1 and all(name and st.has_decided(aid, name) for name in names)


def _spans(task: Article) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["label"]) for s in task.imported_spans}


def _add_missing(st: ReviewStore, todo: dict[str, list[Answer]], own: set[str]) -> set[tuple[str, int, int, str]]:
    """An accepted task's spans the article has no candidate for become the annotator's additions;
    their ids go into ``own`` (the annotator's own, so not decided on again), with those an earlier,
    failed run added. Returns the spans added now, as (article, start, end, label)."""
    made: set[tuple[str, int, int, str]] = set()
    for aid, answers in todo.items():
        cands = st.candidates(aid, "entity", plain=True)
        own.update(c["id"] for c in cands if c["status"] == "added")
        have = {(c["start"], c["end"], c["label"]) for c in cands}
        wanted = {key for task, answer, _ in answers if answer == "accept" for key in _spans(task)}
        for start, end, label in sorted(wanted - have):
            own.add(st.add_candidate(aid, {"kind": "entity", "start": start, "end": end, "label": label})["id"])
            made.add((aid, start, end, label))
    return made


def _decide(
    st: ReviewStore, todo: dict[str, list[Answer]], own: set[str], made: set[tuple[str, int, int, str]]
) -> list[Article]:
    """Record the answers (see :func:`record_answers`); returns the tasks that recorded something —
    a binary task whose span was decided before (the same file again) recorded nothing (QA: re-adding
    a db-out said "3 answers recorded" and wrote none)."""
    done: list[Article] = []
    for aid, answers in todo.items():
        cands = [c for c in st.candidates(aid, "entity", plain=True) if c["id"] not in own]
        decisions: dict[str, str] = {}
        for task, answer, kind in answers:
            spans = _spans(task)
            if kind == "binary":  # its spans alone, the later task over the earlier; a span this
                said = False  # annotator decided before (the same file again) keeps that decision
                for cand in cands:
                    if (cand["start"], cand["end"], cand["label"]) in spans and cand["status"] == "pending":
                        decisions[cand["id"]] = "accept" if answer == "accept" else "reject"
                        said = True
                if said or any((aid, *key) in made for key in spans):
                    done.append(task)
                continue
            undecided = {(s["start"], s["end"], s["label"]) for s in task.undecided_spans}
            scope = task.task["labels"] if task.task is not None else None  # our own export's label set
            labels = set(scope) if scope is not None else None  # (the annotator saw only these)
            for cand in cands:
                key = (cand["start"], cand["end"], cand["label"])
                if (key in undecided - spans) or (labels is not None and cand["label"] not in labels):
                    continue
                if key in spans:
                    decisions[cand["id"]] = "accept" if answer == "accept" else "reject"
                elif answer == "accept":
                    decisions[cand["id"]] = "reject"
            done.append(task)
        if decisions:
            st.decide_many(aid, [(cid, action, None) for cid, action in decisions.items()])
    return done


def _extract_into(
    store: ReviewStore, todo: list[Article], model: str | None, jobs: int, console: Any, result: AddResult
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    extractor = load_extractor(model)
    for warning in extractor.warnings:
        if console is not None:
            console.print(
                f"warning: {clean_line(warning)}", style="yellow", markup=False, highlight=False, soft_wrap=True
            )
    global _EXTRACTING
    started = time.perf_counter()
    progress = Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TextColumn("{task.fields[rate]:>7} words/s"),
        TimeElapsedColumn(),
        console=console,
        disable=console is None or len(todo) < 2,
        transient=False,
    )
    with progress:
        task = progress.add_task("extract", total=len(todo), rate="-")
        done = 0
        _EXTRACTING = True
        previous = signal.getsignal(signal.SIGINT)
        if previous is not signal.SIG_IGN:  # respect nohup and friends
            signal.signal(signal.SIGINT, interrupt)
        try:
            for extraction in extractor.extract(todo, jobs=jobs):
                done += 1
                try:
                    status, aid = store.add_article(extraction)
                except DecisionError as err:
                    result.failed.append(str(err))
                else:
                    if status == "duplicate":  # another process added the same text meanwhile
                        result.duplicates.append((extraction.article.path, aid))
                    else:
                        result.added.append(aid)
                        result.added_texts.add(extraction.article.text_sha)
                        result.first_article = result.first_article or aid
                        result.words += extraction.words
                elapsed = time.perf_counter() - started
                progress.update(task, advance=1, rate=f"{result.words / elapsed:,.0f}" if elapsed else "-")
        except StoreError:
            raise  # a failed write stops the batch with its own message (below: anything else)
        except KeyboardInterrupt:
            stop_workers()
            raise
        except Exception as err:  # a crash in the pipeline fails the rest, not silently
            for article in todo[done:]:
                result.failed.append(f"{article.path}: extraction failed: {type(err).__name__}: {err}")
        finally:
            _EXTRACTING = False
            if previous is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, previous)
    result.seconds = time.perf_counter() - started


def _report(console: Any, result: AddResult) -> None:
    from rich.text import Text

    for reason in result.failed:
        console.print(Text("failed: " + clean_line(reason), style="red"), soft_wrap=True)
    for warning in result.warnings:
        console.print(Text("warning: " + clean_line(warning), style="yellow"), soft_wrap=True)
    for path in result.skipped:
        console.print(Text(f"skipped: {clean_line(path)} ({STORE_FOLDER})", style="dim"), soft_wrap=True)
    for path, aid in result.duplicates:
        what = "its annotator's answer recorded" if str(path) in result.answered_paths else "not added again"
        console.print(
            Text(
                f"duplicate: {clean_line(path)} (same text as article {clean_line(aid, 80)}; {what})",
                style="dim",
            ),
            soft_wrap=True,
        )
    if result.hidden:
        n = sum(result.hidden.values())
        which = ", ".join(
            f"{clean_line(k, 30)} ×{v}" for k, v in sorted(result.hidden.items(), key=lambda kv: -kv[1])[:8]
        )
        console.print(
            Text(
                f"note: {n} imported span{'s have labels' if n != 1 else ' has a label'} outside the store's label "
                f"set ({which}): kept, but hidden from review and the default export (add --labels to change the set)",
                style="yellow",
            ),
            soft_wrap=True,
        )
    rate = f", {result.words / result.seconds:,.0f} words/s" if result.seconds else ""
    console.print(
        Text(
            f"added {len(result.added)}, duplicate {len(result.duplicates)}, failed {len(result.failed)}{rate}"
            + (f"; {result.answers} Prodigy answer(s) recorded as decisions" if result.answers else ""),
            style="bold",
        ),
        soft_wrap=True,
    )


@dataclass
class ReextractResult:
    articles: int = 0
    kept: int = 0  # decided (or imported) candidates kept as they were
    new: int = 0
    dropped: int = 0  # pending candidates the new model no longer finds
    unfound: int = 0  # decided machine candidates (kept) the new model no longer finds
    failed: list[str] = field(default_factory=list)


def reextract(
    store: ReviewStore,
    *,
    model: str | None,
    articles: list[str] | None = None,
    jobs: int = 1,
    console: Any = None,
) -> ReextractResult:
    """Extract again, with ``model``, the store's articles that still have pending candidates (or the
    ``articles`` named), replacing their machine candidates and keeping every decision made."""
    result = ReextractResult()
    todo = []
    for aid in articles if articles is not None else store.article_ids():
        try:
            if articles is None and not _has_pending(store, aid):
                continue
            row = store.article(aid)
        except StoreError as err:  # a damaged article is named and skipped, as add does
            result.failed.append(str(err))
            continue
        todo.append(
            Article(
                text=row["text"],
                title=row.get("title") or "",
                id=aid,
                source=row.get("source") or "",
                url=row.get("url") or "",
                published=row.get("published") or "",
                meta=row.get("meta") or {},
                path=row.get("path") or "",
            )
        )
    if not todo:
        return result
    extractor = load_extractor(model)
    for warning in extractor.warnings:
        if console is not None:
            console.print(f"warning: {clean_line(warning)}", style="yellow", markup=False, highlight=False)
    done, failed = extract_articles(extractor, todo, jobs)
    result.failed += failed
    for extraction in done:
        try:
            counts = store.reextract(extraction)
        except DecisionError as err:
            result.failed.append(str(err))
            continue
        result.articles += 1
        result.kept += counts["kept"]
        result.new += counts["new"]
        result.dropped += counts["dropped"]
        result.unfound += counts["unfound"]
    return result


def _has_pending(store: ReviewStore, aid: str) -> bool:
    decided, disputed, total = store.final_progress(aid)
    return decided + disputed < total


def load_articles(paths: Iterable[str | Path]) -> tuple[list[Article], list[str]]:
    """Every article under ``paths`` without a store (the app's ``+`` uses it): (articles, failures
    as one line each naming the file). A loader that raises is reported for its path, not raised."""
    articles: list[Article] = []
    failed: list[str] = []
    for path in paths:
        try:
            for item in iter_articles([path], skip=skip_stores()):
                if isinstance(item, InputError):
                    failed.append(str(item))
                else:
                    articles.append(item)
        except Exception as err:
            failed.append(f"{path}: could not be read: {type(err).__name__}: {err}")
    return articles, failed


#: articles extracted together when the run may be stopped (the app's +): a stop waits for at most these
STOP_EVERY = 2


def extract_articles(
    extractor: Any, articles: list[Article], jobs: int = 1, *, stop: Callable[[], bool] | None = None
) -> tuple[list[Any], list[str]]:
    """Extract ``articles`` with a loaded extractor: (extractions, failures naming each article's
    file). As in ``add``, an extraction that raises fails the articles not done yet. ``stop``: asked
    after every STOP_EVERY articles, which are extracted together; true ends the run there (the app
    quitting: QA, its worker extracted a folder for two minutes after the screen had gone, holding the
    reviewer's lock — and spaCy parses a whole batch of 16 before the first comes out, 20 s and more
    on long articles, so a run that may be stopped goes a few articles at a time)."""
    done: list[Any] = []
    failed: list[str] = []
    options = {"jobs": jobs} if jobs != 1 else {}
    step = len(articles) if stop is None else STOP_EVERY
    try:
        for at in range(0, len(articles), max(1, step)):
            done.extend(extractor.extract(articles[at : at + step], **options))
            if stop is not None and stop():
                break
    except Exception as err:
        for article in articles[len(done) :]:
            failed.append(f"{article.path or article.id}: extraction failed: {type(err).__name__}: {err}")
    return done, failed
