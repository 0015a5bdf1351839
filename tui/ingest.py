"""Adding articles to the store: load, skip duplicates, extract (one spaCy pass), store; with progress.

Used by ``newsreview add`` and ``newsreview [PATH...]``; spaCy is imported only if something must be
extracted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.loaders import iter_articles
from extractors.records import Article, InputError

from .store import DecisionError, ReviewStore, StoreError


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, existing article id)
    failed: list[str] = field(default_factory=list)  # one-line reasons
    first_article: str | None = None
    words: int = 0
    seconds: float = 0.0


def load_extractor(model: str | None) -> Any:
    from extractors.pipeline import Extractor

    return Extractor(model).load()


def add_paths(
    store: ReviewStore, paths: Iterable[Path], *, model: str | None = None, jobs: int = 1, console: Any = None
) -> AddResult:
    result = AddResult()
    todo: list[Article] = []
    seen: dict[str, str] = {}
    for item in iter_articles(paths):
        if isinstance(item, InputError):
            result.failed.append(str(item))
            continue
        existing = store.find_duplicate(item.text_sha) or seen.get(item.text_sha)
        if existing:
            result.duplicates.append((item.path, existing))
            result.first_article = result.first_article or existing
            continue
        seen[item.text_sha] = item.id
        todo.append(item)
    if todo:
        _extract_into(store, todo, model, jobs, console, result)
    if console is not None:
        _report(console, result)
    return result


def _extract_into(
    store: ReviewStore, todo: list[Article], model: str | None, jobs: int, console: Any, result: AddResult
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    extractor = load_extractor(model)
    for warning in extractor.warnings:
        if console is not None:
            console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False, soft_wrap=True)
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
        try:
            for extraction in extractor.extract(todo, jobs=jobs):
                done += 1
                try:
                    _, aid = store.add_article(extraction)
                except DecisionError as err:
                    result.failed.append(str(err))
                else:
                    result.added.append(aid)
                    result.first_article = result.first_article or aid
                    result.words += extraction.words
                elapsed = time.perf_counter() - started
                progress.update(task, advance=1, rate=f"{result.words / elapsed:,.0f}" if elapsed else "-")
        except StoreError:
            raise  # a failed write stops the batch with its own message (below: anything else)
        except Exception as err:
            for article in todo[done:]:
                result.failed.append(f"{article.path}: extraction failed: {type(err).__name__}: {err}")
    result.seconds = time.perf_counter() - started


def _report(console: Any, result: AddResult) -> None:
    from rich.text import Text

    for reason in result.failed:
        console.print(Text("failed: " + reason, style="red"), soft_wrap=True)
    for path, aid in result.duplicates:
        console.print(
            Text(f"duplicate: {path} (same text as article {aid}; nothing changed)", style="dim"), soft_wrap=True
        )
    rate = f", {result.words / result.seconds:,.0f} words/s" if result.seconds else ""
    console.print(
        Text(
            f"added {len(result.added)}, duplicate {len(result.duplicates)}, failed {len(result.failed)}{rate}",
            style="bold",
        ),
        soft_wrap=True,
    )


def load_articles(paths: Iterable[str | Path]) -> tuple[list[Article], list[str]]:
    """Every article under ``paths`` without a store (the app's ``+`` uses it): (articles, failures
    as one line each naming the file). A loader that raises is reported for its path, not raised."""
    articles: list[Article] = []
    failed: list[str] = []
    for path in paths:
        try:
            for item in iter_articles([path]):
                if isinstance(item, InputError):
                    failed.append(str(item))
                else:
                    articles.append(item)
        except Exception as err:
            failed.append(f"{path}: could not be read: {type(err).__name__}: {err}")
    return articles, failed


def extract_articles(extractor: Any, articles: list[Article]) -> tuple[list[Any], list[str]]:
    """Extract ``articles`` with a loaded extractor: (extractions, failures naming each article's
    file). As in ``add``, an extraction that raises fails the articles not done yet."""
    done: list[Any] = []
    failed: list[str] = []
    try:
        for extraction in extractor.extract(articles):
            done.append(extraction)
    except Exception as err:
        for article in articles[len(done) :]:
            failed.append(f"{article.path or article.id}: extraction failed: {type(err).__name__}: {err}")
    return done, failed
