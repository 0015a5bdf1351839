"""The newsreview command, run as a real subprocess: add, extract, apply, export, status, bad input."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui.schema import Export

from support import ROOT, SAMPLE, is_url, written

pytestmark = pytest.mark.engines


@pytest.mark.folder_only
def test_help_everywhere(cli):
    out = cli("--help").stdout
    for command in ("review", "add", "extract", "apply", "export", "status"):
        assert command in out
    for command in ("add", "extract", "apply", "export", "status", "review"):
        proc = cli(command, "--help")
        assert "Example" in proc.stdout or "example" in proc.stdout, command


def test_help_shows_the_store_from_the_environment_as_data(tmp_path):
    """QA: `status --help` printed NEWSREVIEW_STORE as the default, raw, on a terminal: an OSC 52
    clipboard write and colours in a path reached the terminal. Shown escaped, as everywhere."""
    hostile = str(tmp_path) + "/\x1b]52;c;aGk=\x07\x1b[31mx"
    env = {**os.environ, "NEWSREVIEW_STORE": hostile, "FORCE_COLOR": "1", "COLUMNS": "200"}
    exe = Path(sys.executable).with_name("newsreview")
    proc = subprocess.run([str(exe), "status", "--help"], capture_output=True, text=True, env=env, check=True)
    assert "\x1b]52" not in proc.stdout and "\x07" not in proc.stdout
    assert "␛]52;c;aGk=␇␛[31mx" in proc.stdout


@pytest.mark.folder_only
def test_an_interrupt_while_a_decision_is_saved_waits_for_its_result_line(filled_store, monkeypatch):
    """QA: a SIGTERM between a decision's save and its result line left it saved but unreported (4 runs
    in 7), and a script resuming after the last "ok" line applied it twice."""
    import io
    import os
    import signal

    from tui import decisions
    from tui.store import ReviewStore

    path, ex = filled_store
    real = decisions.apply_line

    def saved_then_killed(*args):  # type: ignore[no-untyped-def]
        done = real(*args)
        os.kill(os.getpid(), signal.SIGTERM)  # arrives right after the save, before the report
        return done

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt(signum)

    monkeypatch.setattr(decisions, "apply_line", saved_then_killed)
    before = signal.signal(signal.SIGTERM, stop)
    # another thread alive in the process (as earlier tests, or a library, leave): a signal sent to the
    # process may go to it — a signal mask on the main thread alone let the interrupt through (the
    # Quickstart's test run)
    import threading

    quit_helper = threading.Event()
    helper = threading.Thread(target=quit_helper.wait, daemon=True)
    helper.start()
    lines = "".join(
        json.dumps({"article": ex.article.id, "candidate": c["id"], "action": "accept"}) + "\n" for c in ex.entities
    )
    out = io.StringIO()
    try:
        with ReviewStore.open(path, write=True, reviewer="ann") as st, pytest.raises(KeyboardInterrupt):
            decisions.apply_stream(st, io.BytesIO(lines.encode()), out)
    finally:
        signal.signal(signal.SIGTERM, before)
        quit_helper.set()
    reported = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in reported] == [1] and reported[0]["ok"]  # saved and said; nothing after
    with ReviewStore.open(path) as st:
        decided = [c["id"] for c in st.candidates(ex.article.id, "entity", view="ann") if c["status"] != "pending"]
    assert decided == [reported[0]["candidate"]]


def test_apply_streams_results_and_reports_bad_lines(filled_store, cli):
    _path, ex = filled_store
    aid = ex.article.id
    e0, e1 = ex.entities[0]["id"], ex.entities[1]["id"]
    lines = [
        {"article": aid, "candidate": e0, "action": "accept", "seconds": 2.5},
        "not json",
        {"article": aid, "candidate": "e-missing", "action": "accept"},
        {"article": aid, "candidate": e1, "action": "edit", "label": "LOC"},
        {"article": aid, "action": "add", "kind": "entity", "start": 0, "end": 3, "label": "PERSON"},
        {"article": aid, "candidate": e1, "action": "undo"},
        {"article": aid, "candidate": e1, "action": "redo"},
        {"article": "a-nope", "candidate": e1, "action": "accept"},
        {"article": aid, "candidate": e0, "action": "explode"},
        # QA: a speaker linked to no entity of the article was taken, then dropped by the export
        {
            "article": aid,
            "action": "add",
            "kind": "claim",
            "start": 4,
            "end": 10,
            "speaker": {"start": 0, "end": 3, "entity_id": "e-nonexist"},
        },
        '{"article": "a-1", "candidate": "e-2", "action": "accept"',  # QA: cut short, said where it ends
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    proc = cli("apply", "-", input=text, check=1)
    results = [json.loads(r) for r in proc.stdout.splitlines()]
    assert [r["line"] for r in results] == list(range(1, 12))
    assert [r["ok"] for r in results] == [True, False, False, True, True, True, True, False, False, False, False]
    assert results[9]["error"] == "field 'speaker.entity_id': no entity 'e-nonexist' in this article"
    assert results[10]["error"].endswith("unexpected end of data (column 58)")  # the line is 57 long
    # QA: /dev/zero never ends a line, and apply read it forever
    zero = cli("apply", "/dev/zero", check=1, timeout=60)
    assert [json.loads(r)["error"] for r in zero.stdout.splitlines()] == [
        "no line end in the first 64 MB: not JSON lines; nothing more is read"
    ]
    assert cli("apply", "/dev/null").stdout == ""  # an empty input, as ever
    assert "malformed JSON" in results[1]["error"]
    assert "unknown candidate 'e-missing'" in results[2]["error"]
    assert "unknown article 'a-nope'" in results[7]["error"]
    assert "action" in results[8]["error"]
    export = Export.model_validate(cli.json("export"))
    (article,) = export.articles
    by_id = {e.id: e for e in article.entities}
    assert by_id[e1].label == "LOC" and by_id[e1].status == "edited" and by_id[e1].original == {"label": "GPE"}
    assert by_id[e0].status == "accepted" and by_id[e0].reviewer
    added = [e for e in article.entities if e.origin == "analyst"]
    assert added[0].text == "Ben" and added[0].status == "added"


def test_export_options_and_atomic_file(filled_store, cli, tmp_path):
    _path, ex = filled_store
    aid = ex.article.id
    cli("apply", "-", input=json.dumps({"article": aid, "candidate": ex.entities[0]["id"], "action": "reject"}) + "\n")
    default = cli.json("export")
    assert default["format"] == "newsreview/2"
    assert default["articles"][0]["entities"] == [] and default["articles"][0]["review"]["decided"] == 1
    everything = cli.json("export", "--include", "pending,rejected")
    art = everything["articles"][0]
    assert len(art["entities"]) == 4 and len(art["claims"]) == 1
    for item in art["entities"] + art["claims"]:
        assert item["text"] == art["text"][item["start"] : item["end"]]
    out = tmp_path / "out.jsonl"
    cli("export", "--format", "jsonl", "--include", "all", "-o", str(out))
    lines = out.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["id"] == aid
    assert cli("export", "--article", "a-missing", check=1).stderr.startswith("newsreview: error: --article")
    assert "unknown status 'maybe'" in cli("export", "--include", "maybe", check=2).stderr
    assert cli.json("export", "--article", aid)["articles"][0]["id"] == aid
    # QA: "-o -" wrote a file named "-"; it is standard output, as "apply -" reads standard input
    dash = cli("export", "-o", "-")
    assert json.loads(dash.stdout)["articles"] == default["articles"] and not (ROOT / "-").exists()
    # QA: /dev/stdout (and bash's >(gzip > x.gz), a /dev/fd link) is a link to "pipe:[…]" when the
    # output is a pipe, as here: it was taken for a missing file and refused
    piped = cli("export", "-o", "/dev/stdout")
    assert json.loads(piped.stdout)["articles"] == default["articles"]


def test_status_table(filled_store, cli):
    path, _ex = filled_store
    cli.env["COLUMNS"] = "400"
    out = cli("status").stdout
    assert str(path) in out and "articles" in out and "4 pending" in out and "1 pending" in out
    if is_url(path):
        assert "(postgresql)" in out and "PostgreSQL 1" in out and "server" in out


@pytest.mark.slow
def test_add_sample_duplicate_and_extract(cli, tmp_path):
    proc = cli("add", str(SAMPLE))
    assert "added 1, duplicate 0, failed 0" in proc.stderr
    again = cli("add", str(SAMPLE))
    assert "added 0, duplicate 1, failed 0" in again.stderr
    stored = cli.json("export", "--include", "all")["articles"][0]
    extracted = cli.json("extract", str(SAMPLE))["articles"][0]
    Export.model_validate(cli.json("extract", str(SAMPLE)))
    # add and extract are the same code path: identical candidates
    assert [e["id"] for e in stored["entities"]] == [e["id"] for e in extracted["entities"]]
    assert [c["id"] for c in stored["claims"]] == [c["id"] for c in extracted["claims"]]
    assert all(c["status"] == "pending" for c in extracted["entities"] + extracted["claims"])
    claims = extracted["claims"]
    assert claims == sorted(claims, key=lambda c: -c["checkworthiness"])
    ordered = cli.json("extract", str(SAMPLE), "--order", "article")["articles"][0]["claims"]
    assert [c["start"] for c in ordered] == sorted(c["start"] for c in ordered)


@pytest.mark.slow
def test_batch_adds_good_files_and_reports_bad_ones(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Good article\nThe mayor of Zürich said on Monday that 3,000 people attended.")
    (folder / "empty.txt").write_text("")
    (folder / "bad.jsonl").write_text('{"text": "Fine one from JSONL about Paris."}\n{"text": 7}\n')
    (folder / "latin.md").write_bytes("Caf\xe9".encode("latin-1"))
    proc = cli("add", str(folder), check=1)
    err = proc.stderr
    assert "added 2, duplicate 0, failed 3" in err
    assert f"{folder / 'empty.txt'}: empty file" in err
    assert f"{folder / 'bad.jsonl'}:2: field 'text': must be a string, got int" in err
    assert "not UTF-8" in err and "Traceback" not in err
    assert len(cli.json("export", "--include", "all")["articles"]) == 2


@pytest.mark.parametrize(
    "args, message, code",
    [
        (["add", "/nonexistent/file.txt"], "/nonexistent/file.txt: no such file or directory", 1),
        (["add", "--model", "no_such_model", str(SAMPLE)], "unknown spaCy model 'no_such_model'", 1),
        (["extract", "/nonexistent.txt"], "/nonexistent.txt: no such file or directory", 1),
        (["apply", "/nonexistent.jsonl"], "/nonexistent.jsonl: No such file or directory", 1),
        (["exprot"], "no command or file 'exprot' (did you mean 'newsreview export'?)", 2),
        (["add", str(SAMPLE), "--jobs", "0"], "'--jobs' / '-j': Input should be greater than or equal to 1", 2),
        (["export", "--bogus"], "No such option: --bogus (see 'newsreview export -h')", 2),
        (["status", "--store", "postgresq://ana@db/x"], "unknown kind of store 'postgresq://'", 1),
    ],
)
def test_bad_input_one_line_no_traceback_store_untouched(filled_store, cli, args, message, code):
    """Usage mistakes (a command or option that does not exist, a value out of range) exit 2, as
    click does; input that cannot be used (a missing file, an unknown model or store) exits 1."""
    path, _ = filled_store
    before = written(path)
    proc = cli(*args, check=None)
    assert proc.returncode == code
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert sum(message in line for line in proc.stderr.splitlines()) == 1
    assert written(path) == before


@pytest.mark.folder_only
@pytest.mark.parametrize("command", [["add"], []], ids=["add", "review"])
def test_a_mistyped_path_leaves_no_new_store_behind(tmp_path, cli, command):
    """QA: ``add --store NEW missing.txt`` (and ``newsreview --store NEW missing.txt``) failed but
    left a new, empty store folder behind. With no path there, nothing is made."""
    new = tmp_path / "new-store"
    proc = cli(*command, "--store", str(new), str(tmp_path / "missing.txt"), check=1)
    assert (
        proc.stderr == f"newsreview: error: {tmp_path / 'missing.txt'}: no such file or directory (nothing was added)\n"
    )
    assert not new.exists()


@pytest.mark.folder_only
def test_store_that_is_not_ours_or_not_writable(tmp_path, cli):
    notours = tmp_path / "notours.json"
    notours.write_text('{"hello": 1}')
    cli.env["NEWSREVIEW_STORE"] = str(notours)
    proc = cli("add", str(SAMPLE), check=1)
    assert "is a file, not a newsreview store" in proc.stderr and proc.stderr.count("\n") == 1
    assert notours.read_text() == '{"hello": 1}'
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions; the read-only case cannot be checked as root")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    cli.env["NEWSREVIEW_STORE"] = str(ro / "store")
    proc = cli("add", str(SAMPLE), check=1)
    assert "cannot create a store" in proc.stderr


@pytest.mark.folder_only
def test_unwritable_store_as_root_via_missing_parent(tmp_path, cli):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    cli.env["NEWSREVIEW_STORE"] = str(blocker / "store")
    proc = cli("add", str(SAMPLE), check=1)
    assert "cannot create a store" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.folder_only
def test_status_without_store(tmp_path, cli):
    cli.env["NEWSREVIEW_STORE"] = str(tmp_path / "none")
    proc = cli("status", check=1)
    assert "no store at" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_standard_output_is_said_plainly(filled_store, cli):
    for args in (["status"], ["schema"], ["export"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "tui", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env=cli.env,
                timeout=120,
            )
        assert proc.returncode == 1
        assert proc.stderr.splitlines() == [
            "newsreview: error: cannot write to standard output: no space left on device"
        ]


def test_apply_tells_a_mistyped_field_from_a_missing_one(filled_store, cli):
    _path, ex = filled_store
    aid, e0 = ex.article.id, ex.entities[0]["id"]
    lines = [
        {"article": 5, "candidate": e0, "action": "accept"},
        {"article": aid, "candidate": ["x"], "action": "accept"},
        {"article": aid, "candidate": e0, "action": "edit", "label": "ORG", "changes": {"label": "PERSON"}},
        {"article": aid, "candidate": e0, "action": "adjudicate", "choose": 3},
        {"article": aid, "candidate": e0},  # QA: "must be one of …, not ''NoneType''"
        {"article": aid, "candidate": e0, "action": 1},
    ]
    proc = cli("apply", "-", input="".join(json.dumps(x) + "\n" for x in lines), check=1)
    errors = [json.loads(r)["error"] for r in proc.stdout.splitlines()]
    assert errors[:4] == [
        "field 'article' (an article id) must be a string, not a number",
        "field 'candidate' (a candidate id) must be a string, not a list",
        "field 'label': give an edit's fields either under 'changes' or beside 'action', not both",
        "field 'choose' (the reviewer whose version stands) must be a string, not a number",
    ]
    assert errors[4].startswith("missing field 'action' (one of accept, reject, edit")
    assert errors[5].startswith("field 'action' (accept, reject, edit") and errors[5].endswith(
        "must be a string, not a number"
    )


def test_apply_refuses_a_misspelt_field_instead_of_ignoring_it(filled_store, cli):
    """QA: ``"adjudicat": true`` was ignored and the line recorded as a plain decision where an
    adjudication was meant; ``"secnods"`` and ``"chnages"`` likewise, and ``"seconds": 1e308`` was
    taken. Each is refused by name, and nothing is recorded."""
    _path, ex = filled_store
    aid, e0 = ex.article.id, ex.entities[0]["id"]
    lines = [
        {"article": aid, "candidate": e0, "action": "reject", "adjudicat": True},
        {"article": aid, "candidate": e0, "action": "accept", "secnods": 4},
        {"article": aid, "candidate": e0, "action": "edit", "chnages": {"label": "ORG"}},
        {"article": aid, "candidate": e0, "action": "accept", "choose": "ana"},
        {"article": aid, "action": "confirm-suggestions", "candidate": e0},
        {"article": aid, "group": "g-1", "action": "accept", "candidate": e0},
        {"article": aid, "candidate": e0, "action": "accept", "seconds": 1e308},
        {"article": aid, "candidate": e0, "action": "accept", "seconds": -1},
        {"article": aid, "action": "add", "kind": "entity", "start": 0, "end": 3, "label": "ORG", "secnods": 3},
    ]
    proc = cli("apply", "-", input="".join(json.dumps(x) + "\n" for x in lines), check=1)
    errors = [json.loads(r)["error"] for r in proc.stdout.splitlines()]
    takes = "article, action, seconds, candidate, adjudicate"
    assert errors == [
        f"unknown field 'adjudicat' for action 'reject' (it takes {takes})",
        f"unknown field 'secnods' for action 'accept' (it takes {takes})",
        f"unknown field 'chnages' for action 'edit' (it takes {takes}, changes, label, start, end, speaker, cue, "
        "quote_type, numbers, hedges, checkworthiness)",
        f"unknown field 'choose' for action 'accept' (it takes {takes})",
        "unknown field 'candidate' for action 'confirm-suggestions' (it takes article, action, seconds)",
        "unknown field 'candidate' for action 'accept' (it takes article, action, seconds, group, label, adjudicate)",
        "field 'seconds' must be a number from 0 to 86,400 (a day)",
        "field 'seconds' must be a number from 0 to 86,400 (a day)",
        "unknown field 'secnods' for action 'add' (it takes article, action, seconds, kind, label, start, end, "
        "speaker, cue, quote_type, numbers, hedges, checkworthiness)",
    ]
    assert cli.json("status", "--json")["decisions"] == 0
    ok = {"article": aid, "candidate": e0, "action": "edit", "label": "ORG", "seconds": 2.5, "adjudicate": False}
    assert json.loads(cli("apply", "-", input=json.dumps(ok) + "\n").stdout)["ok"] is True


@pytest.mark.folder_only
def test_status_says_an_article_file_is_gone(filled_store, cli):
    path, ex = filled_store
    (article_file,) = (path / "articles").iterdir()
    article_file.rename(path / "elsewhere.json")
    proc = cli("status", check=1)
    assert "1 article file missing, not a file or damaged" in proc.stdout and "newsreview doctor" in proc.stdout
    assert cli("status", "--json", check=1).stdout.count(ex.article.id) >= 1


@pytest.mark.folder_only
def test_an_export_whose_reader_leaves_early_does_not_exit_0(tmp_path, cli):
    """QA: `export | head -c 10` cut the export short and newsreview still exited 0 (CPython took the
    partial write as the end). Now it stops as cat does: quietly, with SIGPIPE's status."""
    from tui.store import ReviewStore

    from support import make_extraction

    with ReviewStore.open(cli.store, mode="add") as st:  # an export far over a pipe's 64 KiB buffer
        st.add_article(make_extraction("Kyiv said so. " * 20_000, [("Kyiv", "GPE")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env, cwd=ROOT
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "forma'
    proc.stdout.close()  # the reader goes
    assert proc.wait(timeout=60) == 141 and proc.stderr.read() == b""
    whole = cli("export")  # read to the end: 0, as ever
    assert len(whole.stdout) > 200_000


@pytest.mark.folder_only
def test_a_closed_standard_output_or_a_reader_that_leaves_a_pipe_written_through(tmp_path, cli):
    """QA: `export >&-` stopped with an internal error (AttributeError on None), and
    `export -o /dev/stdout | head` (a pipe written through) with "Broken pipe" and exit 1."""
    from tui.store import ReviewStore

    from support import make_extraction

    with ReviewStore.open(cli.store, mode="add") as st:
        st.add_article(make_extraction("Kyiv said so. " * 20_000, [("Kyiv", "GPE")]))
    command = [sys.executable, "-m", "tui"]
    closed = subprocess.run(
        [*command, "export"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=cli.env, cwd=ROOT,
        preexec_fn=lambda: os.close(1), timeout=120,
    )  # fmt: skip
    assert closed.returncode == 1
    assert closed.stderr == b"newsreview: error: cannot write to standard output: it is closed\n"
    out = tmp_path / "out.json"
    to_file = subprocess.run(
        [*command, "export", "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=cli.env,
        cwd=ROOT, preexec_fn=lambda: os.close(1), timeout=120,
    )  # fmt: skip
    assert to_file.returncode == 0 and json.loads(out.read_bytes())["articles"]
    for target in ("/dev/stdout", "fifo"):
        if target == "fifo":
            os.mkfifo(tmp_path / "fifo")
            target = str(tmp_path / "fifo")
        proc = subprocess.Popen(
            [*command, "export", "-o", target], stdout=subprocess.PIPE if target == "/dev/stdout" else None,
            stderr=subprocess.PIPE, env=cli.env, cwd=ROOT,
        )  # fmt: skip
        reader = proc.stdout if proc.stdout is not None else open(target, "rb")  # noqa: SIM115
        assert reader.read(10) == b'{\n  "forma'
        reader.close()  # the reader goes
        assert proc.wait(timeout=60) == 141 and proc.stderr is not None and proc.stderr.read() == b""


def test_apply_works_out_a_moved_claim_s_fields_and_checks_its_parts(filled_store, cli):
    """QA: an edit that moved a claim's content kept the numbers, hedges and score of the old content
    (another sentence's); numbers could be given anywhere; a speaker took unknown keys, a wrong text,
    an entity_id that was no string, a name with an escape sequence, and a link to a DATE."""
    from extractors.records import candidate_id

    _path, ex = filled_store
    aid, cid = ex.article.id, ex.claims[0]["id"]
    text = ex.article.text
    moved = text.index("Russia"), text.index(" troops")  # "Russia lost 100,000"
    date = text.index("Second"), text.index("Second") + 6
    date_id = candidate_id(aid, "entity", *date, "DATE")
    edit = {"article": aid, "candidate": cid, "action": "edit"}
    ben = {"start": 0, "end": 11}
    lines = [
        {**edit, "changes": {"start": moved[0], "end": moved[1]}},
        {**edit, "numbers": [{"start": 0, "end": 3}]},
        {**edit, "speaker": {**ben, "Start": 3}},
        {**edit, "speaker": {**ben, "text": "Boris"}},
        {**edit, "speaker": {**ben, "entity_id": 5}},
        {**edit, "speaker": {**ben, "name": "Ben\x1b[31m"}},
        {"article": aid, "action": "add", "kind": "entity", "start": date[0], "end": date[1], "label": "DATE"},
        {**edit, "speaker": {**ben, "entity_id": date_id}},
        {"article": aid, "action": "add", "kind": "entity", "start": 0, "end": 3, "label": "ORG\u200b"},
        {**edit, "speaker": {**ben, "text": "Ben Wallace", "name": "Sir\nBen"}, "hedges": []},  # wrapped: one line
    ]
    proc = cli("apply", "-", input="".join(json.dumps(line) + "\n" for line in lines), check=1)
    results = [json.loads(r) for r in proc.stdout.splitlines()]
    errors = [r.get("error") for r in results]
    assert [r["ok"] for r in results] == [True, False, False, False, False, False, True, False, False, True], errors
    assert errors[1] == f"field 'numbers[0]': 0..3 is outside the claim's content {moved[0]}..{moved[1]}"
    assert errors[2] == "field 'speaker': unknown key 'Start'"
    assert errors[3] == "field 'speaker.text' is not the article's text at 0..11"
    assert errors[4] == "field 'speaker.entity_id': must be a string, got int"
    assert "a control character (U+001B)" in errors[5]
    assert errors[7] == f"field 'speaker.entity_id': '{date_id}' is a DATE entity ('Second'), which cannot speak"
    assert "an invisible character (U+200B)" in errors[8]
    (claim,) = [c for c in cli.json("export", "--include", "all")["articles"][0]["claims"] if c["id"] == cid]
    assert claim["text"] == text[moved[0] : moved[1]]
    assert [n["text"] for n in claim["numbers"]] == ["100,000"]  # worked out by the extraction's code
    assert claim["checkworthiness"] != 0.6 and claim["original"]["checkworthiness"] == 0.6
    assert claim["speaker"] == {"start": 0, "end": 11, "text": "Ben Wallace", "name": "Sir Ben"}


def test_a_lead_s_own_version_moving_a_claim_gets_its_fields_worked_out(filled_store, cli):
    """QA: an adjudicating edit ("adjudicate": true) that moved a claim's content to where the lead's
    own review had already moved it kept the extracted content's numbers: the fields were compared
    with the lead's review, not with the candidate as extracted that the adjudication changes."""
    _path, ex = filled_store
    aid, cid = ex.article.id, ex.claims[0]["id"]
    text = ex.article.text
    moved = {"start": text.index("Russia"), "end": text.index(" troops")}  # "Russia lost 100,000"
    cli("leads", "lea", "--reviewer", "lea")
    edit = {"article": aid, "candidate": cid, "action": "edit", "changes": moved}
    for who, line in (("alice", edit), ("bob", {"article": aid, "candidate": cid, "action": "reject"}), ("lea", edit)):
        cli("apply", "-", "--reviewer", who, input=json.dumps(line) + "\n")
    cli("apply", "-", "--reviewer", "lea", input=json.dumps({**edit, "adjudicate": True}) + "\n")
    (claim,) = [c for c in cli.json("export")["articles"][0]["claims"] if c["id"] == cid]
    assert claim["text"] == text[moved["start"] : moved["end"]] and claim["status"] == "edited"
    assert [n["text"] for n in claim["numbers"]] == ["100,000"]  # the moved content's, not the extracted one's
    assert claim["checkworthiness"] != 0.6 and claim["original"]["checkworthiness"] == 0.6


@pytest.mark.folder_only
def test_extract_gives_a_text_read_twice_once(cli, tmp_path):
    """QA: two files with the same text (a copy, CRLF against LF) gave two records with one article id
    (and the same candidate ids) in one export."""
    (tmp_path / "a.txt").write_text("Title\nAngela Merkel visited Paris on Monday.\n")
    (tmp_path / "b.txt").write_bytes(b"Title\r\nAngela Merkel visited Paris on Monday.\r\n")
    proc = cli("extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--model", "blank:en")
    (article,) = json.loads(proc.stdout)["articles"]
    assert f"duplicate: {tmp_path / 'b.txt'} (same text as {tmp_path / 'a.txt'}, article {article['id']}" in proc.stderr


def test_extract_with_nothing_read_leaves_its_output_alone(cli, tmp_path):
    """QA: ``extract missing.txt -o earlier.json`` replaced an earlier extraction with an empty one."""
    earlier = tmp_path / "earlier.json"
    earlier.write_text('{"format": "newsreview/2", "articles": ["kept"]}')
    proc = cli("extract", str(tmp_path / "missing.txt"), "-o", str(earlier), "--model", "blank:en", check=1)
    assert proc.stderr.splitlines()[-1] == f"newsreview: nothing was extracted, so -o {earlier} was left as it was"
    assert proc.stderr.count("error:") == 1  # QA: a second error line for the same missing file
    assert "kept" in earlier.read_text()
    # QA (stop 47): on stdout an empty export, valid to a script reading it, stood for the failure
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4")
    proc = cli("extract", str(tmp_path / "b.pdf"), "--model", "blank:en", check=1)
    assert (
        proc.stdout == ""
        and proc.stderr.splitlines()[-1] == "newsreview: nothing was extracted, so nothing was written"
    )
    (tmp_path / "a.txt").write_text("Angela Merkel visited Paris on Monday.\n")
    cli(
        "extract",
        str(tmp_path / "a.txt"),
        str(tmp_path / "missing.txt"),
        "-o",
        str(earlier),
        "--model",
        "blank:en",
        check=1,
    )
    assert json.loads(earlier.read_text())["articles"][0]["text"].startswith(
        "Angela Merkel"
    )  # what was read is written


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (OSError(errno.EBADF, "Bad file descriptor"), "newsreview: internal error: OSError: [Errno 9] Bad file descriptor"),
        (OSError(errno.ENOSPC, "No space left on device", "/data/out.json"),
         "newsreview: error: cannot write to /data/out.json: no space left on device"),
        (OSError(errno.EIO, "Input/output error"), "newsreview: error: cannot write to standard output: input/output error"),
    ],
)  # fmt: skip
def test_a_write_error_names_what_failed(monkeypatch, capsys, error, said):
    """Every EBADF read "cannot write to standard output: it is closed", and a full disk under a file
    was blamed on standard output: only a closed standard output says so now, a named file is named."""
    import tui.cli as cli_module
    from tui.lifecycle import main

    def fail(**kwargs: object) -> None:
        raise error

    monkeypatch.setattr(cli_module, "app", fail)
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 1
    assert capsys.readouterr().err.splitlines()[0].startswith(said)


@pytest.mark.folder_only
def test_an_output_is_never_written_over_the_store_or_an_input(filled_store, cli, tmp_path):
    """QA: ``export -o STORE/journals/<reviewer>.jsonl`` replaced a reviewer's journal with the export
    (exit 0; 'doctor --repair' then dropped every decision of theirs), ``-o STORE/newsreview.json``
    made the store unreadable; ``extract a.txt -o a.txt`` replaced the article with its extraction."""
    path, _ex = filled_store
    cli("apply", "-", "--reviewer", "bob", input=json.dumps({"article": _ex.article.id, "candidate": _ex.entities[0]["id"], "action": "accept"}) + "\n")  # fmt: skip

    def files() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted(Path(path).rglob("*")) if p.is_file()}

    before = files()
    journal = next(p for p in Path(path, "journals").glob("bob*.jsonl"))
    backup = Path(path, "doctor-backup-20261204-101010")  # what doctor --repair keeps
    backup.mkdir()
    (backup / "index.jsonl").write_text("")
    before = files()
    targets = ("newsreview.json", "index.jsonl", "index.jsonl.mark", "articles/x.json", backup / "index.jsonl")
    for target in (journal, *(Path(path, t) for t in targets)):  # QA: index.jsonl.mark, a backup were written
        proc = cli("export", "-o", str(target), check=1)
        assert proc.stderr.splitlines() == [
            f"newsreview: error: -o {target}: that is one of the newsreview store's own files ({path}); write it elsewhere"
        ]
    assert files() == before
    cli("export", "-o", str(Path(path, "export.json")))  # what the app's E writes: the user's, beside the store's
    assert json.loads(Path(path, "export.json").read_text())["articles"]
    article = tmp_path / "a.txt"
    article.write_text("Ben Wallace spoke in London on Monday.\n")
    proc = cli("extract", str(article), "-o", str(article), "--model", "blank:en", check=1)
    assert f"-o {article}: that is an input file" in proc.stderr
    assert article.read_text() == "Ben Wallace spoke in London on Monday.\n"
    # QA: an -o that cannot be a file was found out only after the export had run and written the
    # store's caches (the correction model's): refused first, the store untouched
    (path / "cache").mkdir(exist_ok=True)
    before = files()
    for target, why in ((tmp_path, "it is a folder"), (tmp_path / "no" / "x.json", f"no folder {tmp_path / 'no'}")):
        proc = cli("export", "-o", str(target), check=1)
        assert proc.stderr.splitlines() == [f"newsreview: error: cannot write {target}: {why} (nothing was changed)"]
    assert files() == before
    # QA: a file found in a folder read as input was not one: `extract ex -o ex/a.txt` replaced it
    proc = cli("extract", str(tmp_path), "-o", str(article), "--model", "blank:en", check=1)
    assert proc.stderr.splitlines() == [
        f"newsreview: error: -o {article}: that file is inside the input folder {tmp_path}; write the result elsewhere"
    ]
    assert article.read_text() == "Ben Wallace spoke in London on Monday.\n"


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root (and setpriv) to drop to another user"
)
def test_an_unreadable_file_named_on_the_command_line_is_skipped_like_one_in_a_folder():
    """QA: 'add good.txt unreadable.txt' stopped at the argument check (typer: "path is not
    readable", exit 2), nothing added; inside a folder the same file is reported and skipped."""
    import tempfile

    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*drop, sys.executable, "-c", "import tui"], cwd=ROOT, capture_output=True, timeout=60)
    if probe.returncode != 0:  # a checkout in a private folder (mktemp -d): the other user cannot run it
        pytest.skip("another user cannot run newsreview from this checkout")
    where = Path(tempfile.mkdtemp(prefix="nr-unreadable-"))  # (pytest's tmp_path is root's alone)
    try:
        where.chmod(0o777)
        (where / "good.txt").write_text("Ben Wallace spoke in London on Monday.\n")
        bad = where / "bad.txt"
        bad.write_text("Moscow denied it.\n")
        bad.chmod(0)
        proc = subprocess.run(
            [*drop, sys.executable, "-m", "tui", "add",
             "--store", str(where / "store"), "--model", "blank:en", str(where / "good.txt"), str(bad)],
            capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "HOME": str(where)},
        )  # fmt: skip
        assert proc.returncode == 1, proc.stderr  # (a file failed) — but the others were added
        assert f"failed: {bad}: permission denied" in proc.stderr and "added 1, duplicate 0, failed 1" in proc.stderr
    finally:
        shutil.rmtree(where, ignore_errors=True)


def test_agreement_shows_a_label_as_data(cli, tmp_path):
    """QA: 'agreement --label "[/x]"' was an internal error (MarkupError) and '[bold]B[/bold]' was
    drawn bold: the table's title took the label as Rich markup."""
    text = "Ben Wallace spoke in London."
    task = {
        "text": text,
        "spans": [{"start": 0, "end": 11, "label": "[/x]"}, {"start": 21, "end": 27, "label": "[b]B"}],
    }
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps(task) + "\n")
    cli("add", str(source), "--model", "blank:en")
    (art,) = cli.json("export", "--include", "all")["articles"]
    for who in ("alice", "bob"):
        lines = [{"article": art["id"], "candidate": e["id"], "action": "accept"} for e in art["entities"]]
        cli("apply", "-", "--reviewer", who, input="".join(json.dumps(x) + "\n" for x in lines))
    for label in ("[/x]", "[b]B"):
        out = cli("agreement", "--label", label).stdout
        assert f"label {label}" in out


def test_an_entity_never_begins_or_ends_with_whitespace(filled_store, cli):
    """QA: apply (and the editors) saved entities ' Iowa' and 'DALLAS ', which the desk's memory then
    proposed to everyone; no NER tool reads them as the entity. Refused by field, nothing written."""
    _path, ex = filled_store
    aid, e0 = ex.article.id, ex.entities[0]["id"]  # "Ben Wallace" at 0..11
    lines = [
        {"article": aid, "candidate": e0, "action": "edit", "end": 12},
        {"article": aid, "action": "add", "kind": "entity", "start": 16, "end": 23, "label": "GPE"},
        {"article": aid, "action": "add", "kind": "entity", "start": 17, "end": 23, "label": "ORG"},
    ]
    proc = cli("apply", "-", input="".join(json.dumps(x) + "\n" for x in lines), check=1)
    results = [json.loads(r) for r in proc.stdout.splitlines()]
    assert results[0]["error"] == "field 'end': entity 0..12 ends with whitespace ('Ben Wallace ')"
    assert results[1]["error"] == "field 'start': entity 16..23 begins with whitespace (' Russia')"
    assert results[2]["ok"], results[2]


@pytest.mark.folder_only
def test_a_store_that_is_a_file_is_said_alike_by_every_command(cli, tmp_path):
    """QA: 'doctor --store FILE' said "no store at FILE"; the other commands "FILE is a file, …"."""
    path = tmp_path / "not-a-store"
    path.write_text("x")
    for command in (["status"], ["export"], ["doctor"]):
        proc = cli(*command, "--store", str(path), check=1)
        assert proc.stderr.splitlines() == [
            f"newsreview: error: {path} is a file, not a newsreview store folder; pass --store FOLDER"
        ], command


def test_a_refused_reviewer_name_shows_where_the_invisible_character_is(cli):
    """QA: '--reviewer z<U+200B>w' was refused with the name echoed raw (the character invisible)."""
    proc = cli("apply", "-", "--reviewer", "z\u200bw", input="", check=2)  # a bad option value: exit 2
    assert proc.stderr.splitlines() == [
        "newsreview: error: --reviewer: reviewer name 'z\\u200bw' cannot be used: must not contain a "
        "non-printable character (U+200B) (character 2)"
    ]
    for args in (["assign", "--team", "ann,a/b"], ["leads", "ann,a|b"]):  # QA: exit 1 here, 2 for --lease -5
        bad = cli(*args, check=2)
        assert "cannot be used: must not contain" in bad.stderr and bad.stderr.count("\n") == 1


def test_commands_on_a_store_s_articles_refuse_a_store_that_is_not_there(tmp_path):
    """QA (desk admin): a mistyped --store made a new empty store, and `assign` said "every article is
    assigned already; nothing changed" (exit 0); `leads` and `reextract` as well. `add` makes stores."""
    from support import CLI

    typo = tmp_path / "stroe"
    cli = CLI(typo)
    for args, stdin in (
        (["assign", "--team", "ann"], None),
        (["leads", "ann"], None),
        (["reextract"], None),
        (["apply", "-"], '{"article": "a-1", "candidate": "e-1", "action": "accept"}\n'),
    ):
        proc = cli(*args, input=stdin, check=1)
        assert f"no store at {typo} yet" in proc.stderr and "Traceback" not in proc.stderr, args
    assert not typo.exists()


@pytest.mark.folder_only  # (a missing article file)
def test_the_articles_table_is_one_line_a_row_and_cuts_titles_not_ids(cli, store_path):
    """QA (10,000 articles): the Rich table took 6 s, 5 of them laying out cells. The table is drawn
    directly now: one line a row, every line as wide as the others (wide characters counted twice),
    titles cut with "…" to the width, ids never, a missing file marked before its title."""
    from rich.cells import cell_len

    from tui.store import ReviewStore

    from support import make_extraction

    titles = ["東京で会談 " * 12, "Short one", "Ben Wallace " * 10]
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        ids = [
            st.add_article(make_extraction(f"Body {i} about Kyiv.", [("Kyiv", "GPE")], [], title=t))[1]
            for i, t in enumerate(titles)
        ]
        shard = store_path / "articles" / st.article_info(ids[1])["shard"]
    shard.unlink()
    cli.env["COLUMNS"] = "80"
    out = cli("articles", check=1)
    lines = out.stdout.splitlines()
    assert lines[0] == "3 article(s)" and len(lines) == 1 + 3 + 3 + 1
    assert {cell_len(line) for line in lines[1:]} == {80}
    for aid in ids:
        assert aid in out.stdout
    assert "│ (file missing) Short one" in out.stdout and "…" in lines[4] and "…" in lines[6]
    assert "1 article file(s) missing" in out.stderr


def apply_with_the_server_down(filled_store, monkeypatch, down, wait):
    """Every entity accepted through ``apply_stream``, the store's decide raising StoreUnavailable on
    the calls ``down(n)`` says (1-based): (failed, calls, results, stderr lines, statuses)."""
    import io

    from tui import decisions
    from tui.store import ReviewStore, StoreUnavailable

    path, ex = filled_store
    lines = "".join(
        json.dumps({"article": ex.article.id, "candidate": c["id"], "action": "accept"}) + "\n" for c in ex.entities
    )
    out, err = io.StringIO(), io.StringIO()
    with ReviewStore.open(path, write=True, reviewer="ann") as st:
        real = st.decide
        calls = []

        def decide(*args, **kwargs):
            calls.append(args)
            if down(len(calls)):
                raise StoreUnavailable("lost the connection to the PostgreSQL server of postgresql://x@h/db")
            return real(*args, **kwargs)

        monkeypatch.setattr(st, "decide", decide)
        failed = decisions.apply_stream(st, io.BytesIO(lines.encode()), out, err=err, wait=wait)
        statuses = [st.candidate(ex.article.id, c["id"])["status"] for c in ex.entities]
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    return failed, calls, results, err.getvalue().splitlines(), statuses


def test_apply_stopped_by_a_failed_write_says_so_on_stderr(filled_store, monkeypatch):
    """QA (a lost PostgreSQL server): apply wrote the failing line's result and exited 1, but nothing
    on stderr — a script that reads only the exit status and stderr learnt nothing."""
    failed, calls, _results, said, _statuses = apply_with_the_server_down(
        filled_store, monkeypatch, lambda n: n == 2, wait=0
    )
    assert failed == 1 and len(calls) == 2
    assert said == [
        "newsreview: error: line 2: lost the connection to the PostgreSQL server of postgresql://x@h/db; "
        "no line after it was applied"
    ]


@pytest.mark.parametrize("comes_back", [True, False])
def test_apply_keeps_trying_a_line_while_the_server_cannot_be_reached(filled_store, monkeypatch, comes_back):
    """QA (stop 45): a feed through `apply` stopped for good when the PostgreSQL server restarted under
    it; the review screen keeps trying. Nothing was saved by a call that raised StoreUnavailable, so
    the line is tried again for up to --wait seconds, then it stops as before."""
    from tui import decisions

    monkeypatch.setattr(decisions, "RETRY_EVERY", 0.01)
    failed, _calls, results, said, statuses = apply_with_the_server_down(
        filled_store, monkeypatch, lambda n: 2 <= n <= 4 or (n >= 2 and not comes_back), wait=0.3
    )
    assert said[0] == (
        "newsreview: line 2: lost the connection to the PostgreSQL server of postgresql://x@h/db; "
        "trying again for up to 0.3 s"
    )
    if comes_back:
        assert failed == 0 and all(r["ok"] for r in results) and len(results) == len(statuses)
        assert set(statuses) == {"accepted"}  # each line once, none twice
        assert said[1:] == ["newsreview: line 2: saved; the store is back"]
    else:
        assert failed == 1 and [r["ok"] for r in results] == [True, False]
        assert said[-1].endswith("no line after it was applied") and statuses.count("accepted") == 1


def test_the_articles_table_fits_60_columns_and_is_whole_in_a_pipe(cli, store_path):
    """Review: at COLUMNS=60 every line was 61 cells (the numbers and borders alone took 61 once the
    title and assignees were down to 8); into a pipe with no COLUMNS titles were cut at 80."""
    from rich.cells import cell_len

    from tui.store import ReviewStore

    from support import make_extraction

    title = "A very long headline about the talks in Geneva between the delegations, going on and on"  # 90
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(make_extraction("Body about Kyiv.", [("Kyiv", "GPE")], [], title=title))
    cli.env["COLUMNS"] = "60"
    assert {cell_len(line) for line in cli("articles").stdout.splitlines()[1:]} == {60}
    del cli.env["COLUMNS"]
    assert title.strip() in cli("articles").stdout


def test_a_signal_while_the_ingest_module_is_imported_is_an_interrupt(monkeypatch):
    """Review: Ctrl-C in the first ~0.3 s of ``add`` (tui.ingest half imported) gave "internal error:
    ImportError … partially initialized module" instead of exit 130."""
    import signal
    import sys

    from tui import lifecycle

    monkeypatch.setitem(sys.modules, "tui.ingest", None)  # importing it fails, as a half-made module does
    with pytest.raises(KeyboardInterrupt) as raised:
        lifecycle.terminate(int(signal.SIGINT), None)
    assert raised.value.args == (int(signal.SIGINT),)
    assert not lifecycle._ending  # no timer to end this process: main() arms it for a command's own
