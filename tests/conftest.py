"""Shared fixtures: stores, a CLI runner, the spaCy extractor (session-scoped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.store import ReviewStore

from support import CLI, SAMPLE, make_extraction


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def filled_store(store_path: Path):
    text = "Ben Wallace said Russia lost 100,000 troops in Zürich. 東京 agreed 😀.\nSecond line [bold]x[/]."
    ex = make_extraction(
        text,
        [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Zürich", "GPE"), ("東京", "GPE")],
        ["Russia lost 100,000 troops in Zürich"],
    )
    with ReviewStore.open(store_path, write=True, reviewer="tester") as st:
        st.add_article(ex)
    return store_path, ex


@pytest.fixture
def cli(store_path: Path) -> CLI:
    return CLI(store_path)


@pytest.fixture(scope="session")
def extractor():
    from extractors.pipeline import Extractor

    return Extractor().load()


@pytest.fixture(scope="session")
def sample_extraction(extractor):
    from extractors.loaders import iter_articles

    (article,) = list(iter_articles([SAMPLE]))
    return extractor.extract_one(article)
