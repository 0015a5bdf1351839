"""Two store defects a QA pass found:

1. ``doctor`` (and ``doctor --repair``) on PostgreSQL failed once any stored JSON held U+0000 (an
   article's text or metadata, and so the record of a decision on it): PostgreSQL's ``->>`` refuses to
   de-escape ``\\u0000``. The check compares the JSON in Python now, and still finds what it should.
2. Several ``add`` creating the same new store folder at once: some failed, taking the others'
   half-made store for a damaged one (or "not empty"). Creation is under ``index.lock`` now, and an
   opener waits for a creation under way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.store import ReviewStore, StoreError
from tui.store.lock import FileLock
from tui.store.urls import split_schema

from support import CLI, ROOT, make_extraction

PG_ENV = "NEWSREVIEW_TEST_POSTGRES"


def run(store, *args, input=None):
    cli = CLI(store)
    cli.env["COLUMNS"] = "300"
    return cli(*args, input=input, check=None)


# -- 1. doctor on a PostgreSQL store whose JSON holds U+0000 ------------------------------------------


@pytest.fixture
def engine():
    """The PostgreSQL tests of this module need a server (the folder tests use ``tmp_path``)."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"no PostgreSQL server for the tests: set {PG_ENV}=postgresql://… (.ci/run starts one)")
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    return "postgresql"


def admin(url):
    import psycopg

    base, schema = split_schema(url)
    conn = psycopg.connect(base, autocommit=True)
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


def nul_store(url):
    """A store whose article's text and metadata hold U+0000, with a decision adding an entity over it."""
    text = "Angela Merkel said\x00 that Paris is nice."
    ex = make_extraction(text, [("Angela Merkel", "PERSON")], id="nul-art", meta={"k": "v\x00x"})
    with ReviewStore.open(url, mode="add") as st:
        st.add_article(ex)
    line = {"article": "nul-art", "action": "add", "kind": "entity", "start": 14, "end": 24, "label": "X"}
    proc = run(url, "apply", "-", input=json.dumps(line) + "\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with admin(url) as conn:
        (record,) = conn.execute("SELECT record::text FROM decisions").fetchone()
    assert "\\u0000" in record  # the decision's record holds the NUL too
    return ex


def test_doctor_on_postgresql_with_nul_in_the_stored_json(new_store):
    url = new_store("nul")
    nul_store(url)
    proc = run(url, "doctor")
    assert proc.returncode == 0 and proc.stdout.strip().endswith("healthy"), proc.stdout + proc.stderr
    proc = run(url, "doctor", "--repair")
    assert proc.returncode == 0 and "rebuilt the derived tables" in proc.stdout, proc.stdout + proc.stderr
    assert "error" not in proc.stderr
    assert run(url, "doctor").stdout.strip().endswith("healthy")


def test_doctor_on_postgresql_still_finds_rows_that_disagree_when_json_holds_nul(new_store):
    url = new_store("nul")
    ex = nul_store(url)
    cid = ex.entities[0]["id"]
    with admin(url) as conn:
        (text,) = conn.execute("SELECT record::text FROM decisions").fetchone()
        record = json.loads(text)
        # an article row nobody indexed, and a decision row whose columns say another reviewer
        conn.execute(
            "INSERT INTO articles (id, text_sha, doc) VALUES ('stray', 'x', %s::json)",
            [json.dumps({"id": "stray", "text": "a\x00b"})],
        )
        forged = {**record, "id": "d-forged", "seq": 1, "candidate": cid, "action": "accept", "reviewer": "ann"}
        conn.execute(
            "INSERT INTO decisions (id, reviewer, rseq, article, candidate, action, at, record) "
            "VALUES ('d-forged', 'bob', 1, 'nul-art', %s, 'accept', %s, %s::json)",
            [cid, record["at"], json.dumps(forged)],
        )
    proc = run(url, "doctor")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unsupported Unicode escape" not in proc.stderr
    assert "1 decision row(s) whose columns disagree with their record" in proc.stdout
    assert "1 article row(s) are not in the index" in proc.stdout


# -- 2. several processes creating the same store folder at once ------------------------------------

RACER = r"""
import os, sys, time
sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
from support import make_extraction
from tui.store import ReviewStore
store, ready, go = sys.argv[2:5]
ex = make_extraction("Angela Merkel visited Paris on Monday.", [("Angela Merkel", "PERSON"), ("Paris", "GPE")])
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.0002)
try:
    with ReviewStore.open(store, mode="add", reviewer="racer") as st:
        status, _ = st.add_article(ex)
except Exception as err:
    print(f"error: {type(err).__name__}: {err}")
    sys.exit(1)
print(status)
"""


def race(store: Path, work: Path, n: int = 6) -> list[tuple[int, str]]:
    """``n`` processes open ``store`` for adding (creating it) and add the same article, all at once."""
    work.mkdir()
    go = work / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(ROOT), str(store), str(work / f"ready{i}"), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(n)
    ]
    deadline = time.monotonic() + 120
    while not all((work / f"ready{i}").exists() for i in range(n)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    return [(p.wait(timeout=120), p.communicate()[0].strip()) for p in procs]


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "empty-folder"])
def test_several_adds_creating_the_same_store_at_once_all_succeed(tmp_path, existing):
    from tui.store.doctor import check

    for round_ in range(5):
        store = tmp_path / f"round{round_}" / "desk" / "store"
        if existing:
            store.mkdir(parents=True)
        results = race(store, tmp_path / f"work{round_}")
        assert all(code == 0 for code, _ in results), results
        assert sorted(out for _, out in results) == ["added"] + ["duplicate"] * 5, results
        with ReviewStore.open(store) as st:
            assert len(st.article_ids()) == 1
        report = check(store)
        assert report.healthy, report.problems


def test_an_opener_waits_for_a_creation_under_way(tmp_path):
    """Another process is creating the store (holds index.lock, has made the folders and is writing
    the meta file): opening waits for it instead of calling the store damaged."""
    model = tmp_path / "model"
    with ReviewStore.open(model, mode="add"):
        pass
    meta = (model / "newsreview.json").read_bytes()
    store = tmp_path / "store"
    store.mkdir()
    lock = FileLock(store / "index.lock")
    lock.acquire("'newsreview add' (creating)")
    (store / "articles").mkdir()
    (store / "journals").mkdir()
    (store / ".newsreview.json.k2j3h4.tmp").write_bytes(meta)  # the meta file on its way

    def finish() -> None:
        time.sleep(0.4)
        os.replace(store / ".newsreview.json.k2j3h4.tmp", store / "newsreview.json")
        lock.release()

    thread = threading.Thread(target=finish)
    thread.start()
    t0 = time.monotonic()
    with ReviewStore.open(store, mode="add") as st:
        assert st.article_ids() == []
    thread.join()
    assert time.monotonic() - t0 >= 0.3
    with ReviewStore.open(store) as st:
        assert st.article_ids() == []


def test_what_an_interrupted_creation_left_is_an_empty_folder_not_damage(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    for sub in ("articles", "journals"):
        (store / sub).mkdir()
    (store / "index.lock").touch()
    with pytest.raises(StoreError, match=r"no store at .* yet"):
        ReviewStore.open(store)
    with ReviewStore.open(store, mode="add") as st:
        assert st.add_article(make_extraction("Kyiv held.", [("Kyiv", "GPE")]))[0] == "added"
    with ReviewStore.open(store) as st:
        assert len(st.article_ids()) == 1
    (store / "newsreview.json").unlink()  # with articles in it, a missing meta file is damage still
    with pytest.raises(StoreError, match=r"newsreview\.json is missing"):
        ReviewStore.open(store, mode="add")


def test_a_store_folder_a_failed_creator_removed_meanwhile_is_made_again(tmp_path, monkeypatch):
    """The folder another creator made (and removed on failure) while this opener waited: it is made
    again, not an internal error (FileNotFoundError)."""
    store = tmp_path / "store"
    store.mkdir()
    real = Path.iterdir
    calls = []

    def gone(self: Path):  # type: ignore[no-untyped-def]
        if self == store and not calls:
            calls.append(self)
            os.rmdir(store)
            raise FileNotFoundError(2, "No such file or directory", str(store))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", gone)
    with ReviewStore.open(store, mode="add") as st:
        assert st.add_article(make_extraction("Kyiv held.", [("Kyiv", "GPE")]))[0] == "added"
    assert calls


def test_a_store_that_cannot_be_made_says_so_in_one_line(tmp_path, monkeypatch):
    """A folder where the creation lock cannot be made (read-only, say) is 'cannot create a store at
    …', not only 'cannot lock …/index.lock'."""
    from tui.store import lock as lock_module

    def refuse(self: FileLock) -> int:
        raise StoreError(f"cannot lock {self.path}: permission denied")

    monkeypatch.setattr(lock_module.FileLock, "_open", refuse)
    with pytest.raises(
        StoreError, match=r"^cannot create a store at .*store: cannot lock .*index\.lock: permission denied$"
    ):
        ReviewStore.open(tmp_path / "store", mode="add")
    assert not (tmp_path / "store").exists()  # what the creation made is gone again
