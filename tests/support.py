"""Test helpers: synthetic extractions (no spaCy) and a CLI runner (real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from extractors.pipeline import Extraction
from extractors.records import Article, claim_candidate, entity_candidate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "uk-russia-iran-drones.txt"


def tokens_of(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace() or ch in '.,;:!?"“”':
            if start is not None:
                out.append((start, i))
                start = None
            if ch in '.,;:!?"“”':
                out.append((i, i + 1))
        elif start is None:
            start = i
    return [t for t in out if t[1] <= len(text)]


def make_extraction(text: str, entities: list[tuple[str, str]] = (), claims: list[str] = (), **article) -> Extraction:
    """Entities given as (surface, label) at their first occurrence; claims as content substrings."""
    art = Article(text=text, title=article.pop("title", text.split("\n")[0][:60]), **article)
    ents = []
    for surface, label in entities:
        s = text.index(surface)
        ents.append(
            entity_candidate(text, art.id, s, s + len(surface), label, token_start=0, token_end=1, model="test")
        )
    cls = []
    for content in claims:
        s = text.index(content)
        cls.append(
            claim_candidate(
                text, art.id, s, s + len(content), quote_type="none", checkworthiness=0.6, numbers=[], model="test"
            )
        )
    return Extraction(art, ents, cls, tokens_of(text))


class CLI:
    def __init__(self, store: Path):
        self.store = store
        self.env = {**os.environ, "NEWSREVIEW_STORE": str(store), "PYTHONUNBUFFERED": "1"}

    def __call__(self, *args: str, input: str | None = None, check: int | None = 0, timeout: float = 300):
        proc = subprocess.run(
            [sys.executable, "-m", "tui", *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=timeout,
        )
        if check is not None:
            assert proc.returncode == check, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
        return proc

    def json(self, *args: str) -> dict:
        return json.loads(self(*args).stdout)


def is_url(location) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def written(location) -> object:
    """Everything a store holds that a write would change: a folder's journals, index and article
    files as bytes, or a PostgreSQL store's written-once tables as rows. Equal before and after means
    nothing was written."""
    if not is_url(location):
        root = Path(location)
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in (".jsonl", ".json") and "cache" not in p.parts and "presence" not in p.parts
        }
    import psycopg

    from tui.store.urls import split_schema

    url, schema = split_schema(location)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("articles", "candidates", "index_records", "decisions")
        }


def indexed(location) -> list[tuple[str, dict]]:
    """The store's index records (articles, assignments...), in order, as stored."""
    if not is_url(location):
        lines = (Path(location) / "index.jsonl").read_bytes().splitlines()
        return [(op[0], op[2]) for line in lines for op in json.loads(line)["ops"]]
    import psycopg

    from tui.store.urls import split_schema

    url, schema = split_schema(location)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        return [(t, json.loads(d)) for t, d in conn.execute("SELECT tbl, doc::text FROM index_records ORDER BY pos")]


def open_as(path, name):
    """The store at ``path`` open for writing as reviewer ``name``."""
    from tui.store import ReviewStore

    return ReviewStore.open(path, write=True, reviewer=name)


def dispute(filled_store):
    """Alice accepts 'Russia', Bob rejects it: (store path, article id, candidate id)."""
    path, ex = filled_store
    aid, russia = ex.article.id, ex.entities[1]["id"]
    with open_as(path, "alice") as st:
        st.decide(aid, russia, "accept")
    with open_as(path, "bob") as st:
        st.decide(aid, russia, "reject")
    return path, aid, russia


def tmux_socket_removed(name: str) -> None:
    """Remove the socket file of the tmux server ``-L name`` (tmux 3.3 leaves it after kill-server)."""
    import contextlib

    folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
    with contextlib.suppress(OSError):
        (folder / name).unlink()


def interrupt_under_way(proc: subprocess.Popen, under_way, *, settle: float = 0.1) -> str:
    """Ctrl-C (SIGINT) to a command once ``under_way(pid)`` says its work has started (read from
    ``/proc``; where it cannot be read, after ``settle`` seconds alone); its standard error."""
    import signal
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if under_way(proc.pid):
                break
        except OSError:
            break  # (no /proc: the sleep below must do)
        time.sleep(0.02)
    time.sleep(settle)
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)[1]
