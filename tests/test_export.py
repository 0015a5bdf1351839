"""Export: the shipped JSON Schema is current, and exports validate against it."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tui.export import parse_include, render, store_articles
from tui.schema import SCHEMA_FILE, Export, render_schema
from tui.store import ReviewStore

pytestmark = pytest.mark.engines


def test_shipped_schema_is_current():
    assert SCHEMA_FILE.read_text() == render_schema(), (
        "regenerate: python -c 'from tui.schema import SCHEMA_FILE, render_schema; "
        "SCHEMA_FILE.write_text(render_schema())'"
    )


def test_export_validates_and_is_strict(filled_store):
    path, ex = filled_store
    with ReviewStore.open(path, write=True) as st:
        aid = ex.article.id
        st.decide(aid, ex.entities[0]["id"], "accept")
        st.decide(aid, ex.claims[0]["id"], "edit", changes={"quote_type": "direct", "cue": {"start": 12, "end": 16}})
        doc = json.loads(render(store_articles(st, include=parse_include("all"))))
    export = Export.model_validate(doc)
    claim = export.articles[0].claims[0]
    assert claim.cue.text == "said" and claim.original == {"quote_type": "none", "cue": None}
    assert export.articles[0].review.decided == 2 and export.articles[0].review.status == "in_progress"
    doc["articles"][0]["entities"][0]["surprise"] = 1
    with pytest.raises(ValidationError):
        Export.model_validate(doc)


def test_jsonl_is_one_article_per_line(filled_store):
    path, _ = filled_store
    with ReviewStore.open(path) as st:
        lines = render(store_articles(st), "jsonl").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["review"]["status"] == "pending"


def test_a_speaker_links_only_to_an_exported_entity(filled_store):
    """A claim whose speaker is linked to an entity the analyst rejected (or one --include leaves
    out) exports the speaker's span and name without the dangling entity id."""
    path, ex = filled_store
    aid, wallace = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True) as st:
        st.decide(aid, ex.claims[0]["id"], "edit", changes={"speaker": {"start": 0, "end": 11, "entity_id": wallace}})
        st.decide(aid, wallace, "accept")
        linked = json.loads(render(store_articles(st)))["articles"][0]["claims"][0]["speaker"]
        assert linked["entity_id"] == wallace and linked["text"] == "Ben Wallace"
        st.decide(aid, wallace, "reject")
        for include in (parse_include(None), parse_include("all")):
            doc = json.loads(render(store_articles(st, include=include)))
            Export.model_validate(doc)
            speaker = doc["articles"][0]["claims"][0]["speaker"]
            exported = {e["id"] for e in doc["articles"][0]["entities"]}
            assert speaker["text"] == "Ben Wallace"
            assert speaker["entity_id"] == (wallace if wallace in exported else None)
        assert st.candidates(aid, "claim")[0]["speaker"]["entity_id"] == wallace  # the store keeps the link


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_the_export_streams_byte_for_byte_what_it_wrote_whole(fmt):
    """QA (10,000 articles): the export held every record, then wrote them all at once (10 s before
    the first byte, up to 417 MB). It writes each article as the store reads it now, and the bytes are
    those orjson gives the whole envelope (escapes of terminal and line-splitting characters included)."""
    import orjson

    from tui.export import FORMAT, render_chunks
    from tui.sanitize import escape_json

    read: list[int] = []

    def articles(n):
        for i in range(n):
            read.append(i)
            yield {"id": f"a{i}", "text": "x\u2028y\u009b\nz", "entities": [{"id": "e", "n": [1, {}]}], "claims": []}

    for n in (0, 1, 3):
        read.clear()
        chunks = render_chunks(articles(n), fmt, exported_at="2026-12-05T00:00:00+00:00")
        got = next(chunks, "")
        if n:  # the first piece out before the second article is read
            got += next(chunks) if fmt == "json" else ""
            assert read == [0]
        got += "".join(chunks)
        whole = list(articles(n))
        if fmt == "jsonl":
            want = "".join(escape_json(orjson.dumps(a).decode()) + "\n" for a in whole)
        else:
            env = {"format": FORMAT, "exported_at": "2026-12-05T00:00:00+00:00", "articles": whole}
            want = escape_json(orjson.dumps(env, option=orjson.OPT_INDENT_2).decode()) + "\n"
        assert got == want


def test_a_failure_while_streaming_leaves_the_old_file_and_no_temp(tmp_path):
    """-o stays atomic when the export streams: the store failing mid-way leaves the old file as it
    was and no temp file beside it, and its error goes on to the command."""
    from tui.store import StoreError
    from tui.store.files import atomic_write

    out = tmp_path / "export.json"
    out.write_text("old", encoding="utf-8")

    def pieces():
        yield "new, part one"
        raise StoreError("postgresql://…: the server closed the connection")

    with pytest.raises(StoreError, match="closed the connection"):
        atomic_write(out, pieces())
    assert out.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]
    atomic_write(out, iter(["new, ", b"in pieces"]))
    assert out.read_text(encoding="utf-8") == "new, in pieces"


def test_an_interrupted_export_says_what_it_left(filled_store, cli, tmp_path):
    """QA (stop 46): Ctrl-C or SIGTERM on `export` said "every decision made so far is saved" — an
    export decides nothing; what the user needs is what became of the file."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from support import interrupt_under_way

    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)  # nobody reads it: the export waits on it, to be interrupted there
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "export", "-o", str(fifo)],
        env=cli.env,
        stderr=subprocess.PIPE,
        text=True,
    )
    # under way once it waits for the FIFO's reader
    err = interrupt_under_way(
        proc, lambda pid: Path(f"/proc/{pid}/wchan").read_text().strip() == "wait_for_partner", settle=0.2
    )
    assert proc.returncode == 130
    # (a FIFO is written through, not replaced: what its reader got stands — QA re-test, stop 46)
    assert f"interrupted; the export to {fifo} stops where it was" in err
    assert "decision" not in err and "Traceback" not in err
