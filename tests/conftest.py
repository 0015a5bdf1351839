"""Shared fixtures: stores (on the folder engine, and on PostgreSQL where a module asks for both), a
CLI runner, the spaCy extractor (session-scoped).

Modules marked ``pytest.mark.engines`` run their store tests twice: on a folder and on PostgreSQL
(``NEWSREVIEW_TEST_POSTGRES=postgresql://…``, set by .ci/run, which starts a throwaway server; each
test gets a schema of its own, dropped afterwards). Without that variable the PostgreSQL runs are
skipped, saying why. Tests about files (journals, marks, doctor) are marked ``folder_only``.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.store import ReviewStore

from support import CLI, SAMPLE, make_extraction

PG_ENV = "NEWSREVIEW_TEST_POSTGRES"


def pytest_configure(config: pytest.Config) -> None:
    # the app keeps settings (theme, where each reviewer left off) in the user's config folder: the
    # tests get a folder of their own, not the account's
    config_dir = tempfile.mkdtemp(prefix="newsreview-test-config-")
    os.environ["NEWSREVIEW_CONFIG_DIR"] = config_dir
    config.add_cleanup(lambda: shutil.rmtree(config_dir, ignore_errors=True))  # (one was left per run)
    config.addinivalue_line("markers", "engines: run the store tests on the folder and the PostgreSQL engine")
    config.addinivalue_line("markers", "folder_only: a test about the folder engine's files")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("engines") and not metafunc.definition.get_closest_marker("folder_only"):
        metafunc.parametrize("engine", ["folder", "postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    """An app freezes what it started with (tui/app/collector.py) and leaves it frozen for a quick
    exit; the tests run hundreds of apps in one process, so each test's frozen objects are handed
    back to the collector afterwards (and automatic collection is on again, should an app have
    ended without unmounting)."""
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine the store fixtures make: "folder" unless the module runs on both."""
    name = getattr(request, "param", "folder")
    if name == "postgresql":
        if not os.environ.get(PG_ENV):
            pytest.skip(f"no PostgreSQL server for the tests: set {PG_ENV}=postgresql://… (.ci/run starts one)")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    return name


@pytest.fixture
def new_store(engine: str, tmp_path: Path) -> Iterator[Callable[[str], Path | str]]:
    """Makes store locations for the engine under test: a folder, or a URL with a fresh schema."""
    schemas: list[str] = []

    def make(name: str = "store") -> Path | str:
        if engine == "folder":
            return tmp_path / name
        schema = f"t_{uuid.uuid4().hex[:16]}"
        schemas.append(schema)
        base = os.environ[PG_ENV]
        return f"{base}{'&' if '?' in base else '?'}schema={schema}"

    yield make
    if schemas:
        import psycopg

        with psycopg.connect(os.environ[PG_ENV], autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def store_path(new_store: Callable[[str], Path | str]) -> Path | str:
    """The store's location: a folder (Path), or a PostgreSQL URL (str) where the module runs on both."""
    return new_store("store")


@pytest.fixture
def filled_store(store_path):
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
def cli(store_path) -> CLI:
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
