"""What only the PostgreSQL engine has: URLs and masked credentials, the schema and its versions,
insert-only tables, live updates by LISTEN/NOTIFY with catch-up after a lost connection, leases taken
with SKIP LOCKED, summaries kept in a table, doctor, and `migrate` between the two engines.

Runs against a real server (NEWSREVIEW_TEST_POSTGRES, started by .ci/run); the URL tests that need
no server always run.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tui.store import DecisionError, ReviewStore, StoreDamaged, StoreError, StoreLocked, StoreUnavailable
from tui.store.urls import mask_url, scrub, secrets_of, shown, split_schema

from support import ROOT, make_extraction


@pytest.fixture
def engine():
    """Every store of this module is on PostgreSQL (migrate makes its folders itself)."""
    if not os.environ.get("NEWSREVIEW_TEST_POSTGRES"):
        pytest.skip(
            "no PostgreSQL server for the tests: set NEWSREVIEW_TEST_POSTGRES=postgresql://… (.ci/run starts one)"
        )
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    return "postgresql"


@pytest.fixture
def pg_store(new_store):
    return new_store("store")


def admin(url):
    """A plain connection to the store's schema, for looking at (and tampering with) its tables."""
    import psycopg

    base, schema = split_schema(url)
    conn = psycopg.connect(base, autocommit=True)
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


def articles(n=3):
    return [
        make_extraction(f"Report {i} says Kyiv and Lviv held.", [("Kyiv", "GPE"), ("Lviv", "GPE")]) for i in range(n)
    ]


def heard(store, seconds=5.0):
    """Refresh until something arrives: a NOTIFY reaches the listener a moment after the commit."""
    deadline = time.monotonic() + seconds
    while True:
        changes = store.refresh()
        if changes or time.monotonic() > deadline:
            return changes
        time.sleep(0.02)


def one_decided(store):
    """One article, its first entity accepted by ana."""
    with ReviewStore.open(store, write=True, reviewer="ana") as st:
        (ex,) = articles(1)
        st.add_article(ex)
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    return ex


def run(store, *args, input=None, env=None):
    full = {**os.environ, "NEWSREVIEW_STORE": str(store), "COLUMNS": "300", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env=full,
        input=input,
        capture_output=True,
        text=True,
        timeout=300,
    )


# -- URLs and credentials (no server needed) -------------------------------------------------------


@pytest.mark.parametrize(
    "url, masked",
    [
        ("postgresql://ana:s3cr%40t@db.example.org:5433/news", "postgresql://ana:***@db.example.org:5433/news"),
        (
            "postgres://ana@db/news?password=hunter22&sslmode=require",
            "postgres://ana@db/news?password=***&sslmode=require",
        ),
        ("postgresql://ana:pa/ss@word@db/news", "postgresql://ana:***@db/news"),  # an unencoded / and @
        ("postgresql:///news?host=/run/postgresql&schema=desk", "postgresql:///news?host=/run/postgresql&schema=desk"),
        ("postgresql://db?service=newsroom", "postgresql://db?service=newsroom"),
    ],
)
def test_passwords_are_masked_wherever_a_url_is_shown(url, masked):
    assert mask_url(url) == masked == shown(url)
    for secret in secrets_of(url):
        assert secret not in masked
        assert secret not in scrub(f"could not connect to {url}: password {secret} refused", url)
    assert shown("/home/ana/store") == "/home/ana/store"


def test_schema_parameter_is_newsreviews_own():
    assert split_schema("postgresql://h/db?schema=desk_2&sslmode=require") == (
        "postgresql://h/db?sslmode=require",
        "desk_2",
    )
    assert split_schema("postgresql://h/db") == ("postgresql://h/db", "newsreview")
    with pytest.raises(ValueError, match="schema name"):
        split_schema("postgresql://h/db?schema=Robert');DROP")


def test_cli_never_prints_a_password_even_when_the_server_is_unreachable(tmp_path):
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    url = "postgresql://ana:topsecret99@127.0.0.1:1/news?connect_timeout=2"
    for args in (["status"], ["export"], ["apply", "-"], ["migrate", url, str(tmp_path / "copy")], ["doctor"]):
        proc = run(url, *args, input="")
        out = proc.stdout + proc.stderr
        assert proc.returncode == 1, (args, out)
        assert "topsecret99" not in out and "Traceback" not in out, (args, out)
        assert "ana:***@127.0.0.1:1" in out and "cannot connect" in out, (args, out)
        assert proc.stderr.count("\n") == 1, (args, proc.stderr)


def test_missing_driver_says_which_extra_to_install(tmp_path):
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from tui.store import ReviewStore, StoreError\n"
        "try:\n    ReviewStore.open('postgresql://h/db')\nexcept StoreError as err:\n    print(err)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "pip install 'newsreview[postgres]'" in out


# -- the schema ------------------------------------------------------------------------------------


def test_schema_is_created_on_first_use_versioned_and_newer_ones_refused(pg_store):
    from tui.store import pgschema

    with pytest.raises(StoreError, match=r"no store at .* yet"):
        ReviewStore.open(pg_store)  # a reader creates nothing
    with ReviewStore.open(pg_store, mode="add") as st:
        st.add_article(articles(1)[0])
    with admin(pg_store) as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert (
            meta["schema_version"] == str(pgschema.VERSION)
            and meta["format"] == "newsreview-store/2"
            and meta["store_id"]
        )
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"newer newsreview \(store schema version 99"):
        ReviewStore.open(pg_store)


def test_a_migration_step_is_applied_once_on_open(pg_store, monkeypatch):
    from tui.store import pgschema

    with ReviewStore.open(pg_store, mode="add") as st:
        st.add_article(articles(1)[0])
    nxt = pgschema.VERSION + 1
    step = (nxt, "a test step", "CREATE TABLE step_two (x int); INSERT INTO step_two VALUES (2);")
    monkeypatch.setattr(pgschema, "VERSION", nxt)
    monkeypatch.setattr(pgschema, "MIGRATIONS", [*pgschema.MIGRATIONS, step])
    with ReviewStore.open(pg_store) as st:
        assert any(f"upgraded to version {nxt}" in n for n in st.notices)
        assert len(st.article_ids()) == 1
    with ReviewStore.open(pg_store) as st:
        assert not st.notices
    with admin(pg_store) as conn:
        assert conn.execute("SELECT count(*) FROM step_two").fetchone()[0] == 1
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(nxt)


def test_a_version_1_store_upgrades_and_takes_re_extractions(pg_store, monkeypatch):
    from tui.store import pgschema

    (first,) = articles(1)
    with monkeypatch.context() as patch:  # a store as the first PostgreSQL release wrote it
        patch.setattr(pgschema, "VERSION", 1)
        patch.setattr(pgschema, "MIGRATIONS", pgschema.MIGRATIONS[:1])
        with ReviewStore.open(pg_store, mode="add") as st:
            _, aid = st.add_article(first)
    with ReviewStore.open(pg_store, mode="add") as st:
        assert any(f"upgraded to version {pgschema.VERSION}" in n for n in st.notices)
        st.reextract(make_extraction(first.article.text, [], title="again", id=aid))
        assert st.candidates(aid, "entity", plain=True) == []
    with ReviewStore.open(pg_store) as st:
        assert st.article_info(aid)["extraction"]  # the re-extraction's id


def test_a_schema_holding_other_tables_is_not_taken_over(pg_store):
    import psycopg

    base, schema = split_schema(pg_store)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".invoices (id int)')
    with pytest.raises(StoreError, match="holds tables that are not a newsreview store"):
        ReviewStore.open(pg_store, mode="add")


def test_decisions_articles_and_candidates_are_written_once(filled_store):
    import psycopg

    path, ex = filled_store
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    with admin(path) as conn:
        for statement in (
            "UPDATE decisions SET action = 'reject'",
            "DELETE FROM decisions",
            "TRUNCATE decisions",
            "UPDATE articles SET doc = '{}'",
            "DELETE FROM candidates",
            "DELETE FROM index_records",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="written once"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_a_changed_article_is_damage_for_that_article_only_and_doctor_names_it(pg_store):
    exs = articles(2)
    with ReviewStore.open(pg_store, mode="add") as st:
        for ex in exs:
            st.add_article(ex)
    with admin(pg_store) as conn:  # someone switched the guard off and edited a text
        conn.execute("ALTER TABLE articles DISABLE TRIGGER articles_write_once")
        conn.execute(
            "UPDATE articles SET doc = json_build_object('id', id, 'title', 't', 'text', 'Changed.', "
            "'tokens', '[]'::json, 'text_sha', text_sha) WHERE id = %s",
            [exs[0].article.id],
        )
    with ReviewStore.open(pg_store) as st:
        with pytest.raises(StoreDamaged, match="does not hold the text the index recorded"):
            st.candidates(exs[0].article.id)
        assert len(st.candidates(exs[1].article.id)) == 2
    proc = run(pg_store, "doctor")
    assert proc.returncode == 1
    assert "does not hold the text" in proc.stdout and "triggers are disabled on articles" in proc.stdout
    assert "doctor cannot mend" in proc.stderr and "--repair" not in proc.stdout
    # QA: --repair said "the store opens again" (exit 0) over it, and doctor then sent the user back
    proc = run(pg_store, "doctor", "--repair")
    assert proc.returncode == 1 and "the store opens again" not in proc.stdout
    assert "rebuilt the derived tables" in proc.stdout and "2 problem(s) above that doctor cannot mend" in proc.stderr


def test_doctor_sends_a_stale_derived_table_to_repair(pg_store):
    """Review: a derived table out of step (which --repair rebuilds) was called damage doctor cannot
    mend, its hint to run --repair gone."""
    one_decided(pg_store)
    with admin(pg_store) as conn:
        conn.execute("UPDATE article_reviewers SET decisions = decisions + 5")
    proc = run(pg_store, "doctor")
    assert proc.returncode == 1 and "derived table article_reviewers disagrees" in proc.stdout
    assert "run 'newsreview doctor --repair'" in proc.stdout and "cannot mend" not in proc.stderr
    assert "backup" not in proc.stdout  # QA: it promised one; a repair here rebuilds derived tables only
    proc = run(pg_store, "doctor", "--repair")
    assert proc.returncode == 0 and "the store opens again" in proc.stdout
    assert run(pg_store, "doctor").returncode == 0


def test_a_dropped_derived_table_is_named_and_doctor_makes_it_again(pg_store):
    """QA: a dropped derived table gave every command the server's "relation does not exist", and
    doctor --repair failed on it too. Commands name it as damage; doctor says --repair mends it, and
    --repair makes it again. A written-once table gone is beyond repair: doctor says so."""
    one_decided(pg_store)
    with admin(pg_store) as conn:
        conn.execute("DROP TABLE summaries")
        conn.execute("DROP TABLE leases")
    said = run(pg_store, "status").stderr
    assert said.count("\n") == 1 and "a table of the store is missing (relation" in said, said
    assert "run 'newsreview doctor'" in said and "LINE 1" not in said
    proc = run(pg_store, "doctor")
    assert proc.returncode == 1 and "the derived table(s) summaries, leases are missing" in proc.stdout, proc.stdout
    proc = run(pg_store, "doctor", "--repair")
    assert proc.returncode == 0 and "made the missing derived table(s) summaries, leases again" in proc.stdout
    assert run(pg_store, "doctor").returncode == 0 and run(pg_store, "status").returncode == 0
    with admin(pg_store) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DROP TABLE candidates CASCADE")
    proc = run(pg_store, "doctor", "--repair")
    assert proc.returncode == 1 and "table(s) candidates are missing: the store's own data is gone" in proc.stdout


def test_a_dropped_meta_table_is_damage_not_another_schema(pg_store):
    """Review: with its meta table dropped a store was "not a newsreview store; choose another
    ?schema=", sending the analyst away from their data."""
    with ReviewStore.open(pg_store, write=True, reviewer="ana") as st:
        st.add_article(articles(1)[0])
    with admin(pg_store) as conn:
        conn.execute("DROP TABLE meta")
    for command in ("status", "doctor"):
        said = run(pg_store, command).stderr
        assert "the store's meta table is missing (its articles and decisions are there)" in said, said
        assert "choose another" not in said


@pytest.mark.parametrize("value", ["abc", None, "0", "-1"])
def test_an_odd_schema_version_is_damage_named_not_a_migration(pg_store, value):
    """QA: schema_version 'abc' gave an internal error; deleted, every migration ran over the tables."""
    with ReviewStore.open(pg_store, write=True, reviewer="ana") as st:
        st.add_article(articles(1)[0])
    with admin(pg_store) as conn:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
        else:
            conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", [value])
    for command in ("status", "doctor"):
        said = run(pg_store, command).stderr
        shown = "missing" if value is None else f"'{value}'"
        assert f"the meta table's schema_version is {shown}, not a version number" in said, said
        assert said.count("\n") == 1


# -- live updates, lost connections ----------------------------------------------------------------


def test_poll_hears_other_reviewers_and_catches_up_after_a_lost_connection(filled_store, monkeypatch):
    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid = ex.article.id
    e0, e1, e2 = (e["id"] for e in ex.entities[:3])
    with ReviewStore.open(path, write=True, reviewer="ana") as ana:
        ana.candidates(aid)
        assert not ana.refresh()  # listening from now on
        with ReviewStore.open(path, write=True, reviewer="bob") as bob:
            bob.decide(aid, e0, "reject")
            assert heard(ana).decided == {aid: {e0}}
            assert {r["reviewer"]: r["status"] for r in ana.candidate(aid, e0)["reviews"]} == {"bob": "rejected"}
            assert not ana.refresh()  # heard once
            with admin(path) as conn:  # the server drops ana's sessions (a restart, a network cut)
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(%s)",
                    [[ana.engine._conn.info.backend_pid, ana.engine._listener.info.backend_pid]],
                )
            bob.decide(aid, e1, "accept")  # while ana is cut off: no NOTIFY reaches her
            time.sleep(0.2)
            with pytest.raises(StoreUnavailable, match="lost the connection"):
                for _ in range(3):  # the first look may only read the server's goodbye
                    assert not ana.refresh()
            assert ana.refresh().decided == {aid: {e1}}  # reconnected, caught up by position (no NOTIFY)
            assert ana.candidate(aid, e1)["reviews"][0]["reviewer"] == "bob"
            ana.decide(aid, e2, "accept")  # and she writes again (her writer lock was taken again)
    with ReviewStore.open(path) as st:
        assert {r["reviewer"] for c in st.candidates(aid) for r in c.get("reviews", [])} == {"ana", "bob"}


def test_a_listener_the_server_refuses_leaves_polls_by_position_not_an_alert(filled_store, monkeypatch):
    """QA: with a role's connection limit reached, the listener's connection was refused and every
    poll raised "cannot connect": the screen said "store unreachable" for good though each decision
    was saved. While the main session works, polls look by position instead, and the listener is
    tried again a few seconds later."""
    from tui.store import postgres

    path, ex = filled_store
    aid = ex.article.id
    e0, e1 = (e["id"] for e in ex.entities[:2])
    with ReviewStore.open(path, write=True, reviewer="ana") as ana:
        ana.candidates(aid)
        assert not ana.refresh()  # listening from now on
        engine = ana.engine
        real = engine._connect
        refused = []

        def limited():
            refused.append(True)
            raise StoreUnavailable(f"cannot connect to the PostgreSQL server of {engine.shown}: too many connections")

        engine._listener.close()  # (the limit reached: the listener cannot come back)
        monkeypatch.setattr(engine, "_connect", limited)
        with ReviewStore.open(path, write=True, reviewer="bob") as bob:
            bob.decide(aid, e0, "reject")
            assert ana.refresh().decided == {aid: {e0}}  # by position, no alert
            ana.decide(aid, e1, "accept")  # and ana's decisions are saved meanwhile
            bob.decide(aid, e1, "reject")
            assert ana.refresh().decided == {aid: {e1}}
        assert len(refused) == 1  # tried once, not at every poll (again after RETRY_EVERY)
        monkeypatch.setattr(engine, "_connect", real)
        monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
        engine._listen_retry_at = 0.0
        assert not ana.refresh() and engine._healthy(engine._listener)  # listening again


def test_a_decision_on_a_lost_connection_is_saved_on_the_new_one_or_reported_unsaved(filled_store, monkeypatch):
    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid = ex.article.id
    e0, e1, e2 = (e["id"] for e in ex.entities[:3])
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [st.engine._conn.info.backend_pid])
        assert st.decide(aid, e0, "accept")["status"] == "accepted"  # reconnected and saved
        good = st.engine.conninfo
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [st.engine._conn.info.backend_pid])
        st.engine.conninfo = "postgresql://ana:hidden-pw@127.0.0.1:1/none?connect_timeout=2"  # the server is gone
        with pytest.raises(StoreUnavailable, match="not saved") as caught:
            st.decide(aid, e1, "reject")
        assert "hidden-pw" not in str(caught.value)
        assert st.candidate(aid, e1)["status"] == "pending"  # what is on screen is kept, nothing claimed
        st.engine.conninfo = good  # the server is back
        assert st.decide(aid, e1, "reject")["status"] == "rejected"
        st.decide(aid, e2, "accept")
    with ReviewStore.open(path) as st:
        assert [h["action"] for h in st.history(aid, e1)] == ["reject"]
        assert [h["seq"] for h in (st.history(aid, e0) + st.history(aid, e1) + st.history(aid, e2))] == [1, 2, 3]


class _SocketClosedOnce:
    """A connection whose next statement fails as psycopg's wait loop fails when the server hangs up
    before libpq has marked the connection bad: an error with no SQLSTATE, ``broken`` still false."""

    def __init__(self, conn, on: str = ""):
        self._conn, self.failed, self.on = conn, False, on

    def execute(self, query, *args, **kwargs):
        if not self.failed and self.on in str(query):
            import psycopg

            self.failed = True
            raise psycopg.OperationalError("connection socket closed")
        return self._conn.execute(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.mark.parametrize("path_taken", ["read", "write"])
def test_a_socket_closed_before_the_connection_is_marked_bad_counts_as_lost(filled_store, monkeypatch, path_taken):
    # CI, stop 43: a terminated backend raised "connection socket closed" while `broken` was still
    # false; the read was refused as the server's error instead of reconnecting
    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid, e0 = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        # the write's first statement is its lock (independent review: failing "the next statement"
        # failed a read in both cases, and the write path went untested)
        flaky = _SocketClosedOnce(st.engine._conn, on="pg_advisory_xact_lock" if path_taken == "write" else "")
        st.engine._conn = flaky
        assert st.decide(aid, e0, "accept")["status"] == "accepted"
        assert flaky.failed and st.engine._conn is not flaky  # reconnected
    with ReviewStore.open(path) as st:
        assert [h["action"] for h in st.history(aid, e0)] == ["accept"]


def test_a_refused_statement_is_not_taken_for_a_lost_connection(filled_store):
    path, _ = filled_store
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        conn = st.engine._conn
        with pytest.raises(StoreError, match="canceling statement due to statement timeout"):
            st.engine._read(
                lambda c: (c.execute("SET statement_timeout = 50"), c.execute("SELECT pg_sleep(1)"))  # type: ignore[func-returns-value]
            )
        assert st.engine._conn is conn  # kept: the server refused one statement, the session is fine
        st.engine._read(lambda c: c.execute("SET statement_timeout = 0"))


def test_one_writer_per_reviewer_across_machines_the_refusal_names_the_holder(filled_store):
    path, _ = filled_store
    with ReviewStore.open(path, write=True, reviewer="ana", holder="'newsreview review'"):
        started = time.monotonic()
        with pytest.raises(
            StoreLocked, match=r"reviewer 'ana' already has .* open for writing in 'newsreview review' \(pid"
        ):
            ReviewStore.open(path, write=True, reviewer="ana")
        assert time.monotonic() - started < 5
        with ReviewStore.open(path, write=True, reviewer="bob"):
            pass
    with ReviewStore.open(path, write=True, reviewer="ana"):  # released with the session
        pass


def test_presence(filled_store):
    path, ex = filled_store
    with ReviewStore.open(path, write=True, reviewer="ana") as ana:
        ana.set_presence(ex.article.id)
        with ReviewStore.open(path) as reader:
            assert reader.presence()["ana"]["article"] == ex.article.id
    with ReviewStore.open(path) as reader:
        assert "ana" not in reader.presence()  # gone when she closed the store
    # QA (PostgreSQL): a killed app's row stayed "on it now" for a minute; its session, ended by the
    # server, holds ana's writer lock no more
    with ReviewStore.open(path, write=True, reviewer="ana") as ana, ReviewStore.open(path) as reader:
        ana.set_presence(ex.article.id)
        assert reader.presence()["ana"]["article"] == ex.article.id
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [ana.engine._conn.info.backend_pid])
        time.sleep(0.3)
        assert "ana" not in reader.presence()


# -- leases ----------------------------------------------------------------------------------------


def test_taking_over_a_lease_locks_it_skipping_one_being_taken(pg_store, monkeypatch):
    exs = articles(2)
    with ReviewStore.open(pg_store, mode="add") as st:
        for ex in exs:
            st.add_article(ex)
        plan = st.assign(["ann"], overlap=1)
    first = exs[0].article.id
    assert plan[first] == ["ann"]
    old = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
    with admin(pg_store) as conn:  # as if assigned 30 hours ago (the lease ran out, ann never started)
        assert conn.execute("SELECT holders FROM leases WHERE article = %s", [first]).fetchone()[0] == ["ann"]

    def expire(st):
        for aid in st.article_ids():
            doc = dict(st.assignments._assigned[aid], at=old)
            st.assignments.fold("assignments", doc)

    with (
        ReviewStore.open(pg_store, write=True, reviewer="ben") as ben,
        ReviewStore.open(pg_store, write=True, reviewer="cat") as cat,
    ):
        expire(ben)
        expire(cat)
        with admin(pg_store) as conn, conn.transaction():  # someone is taking it over this very moment
            conn.execute("SELECT 1 FROM leases WHERE article = %s FOR UPDATE", [first])
            started = time.monotonic()
            with pytest.raises(DecisionError, match="being taken over by another reviewer right now"):
                cat.take(first)
            assert time.monotonic() - started < 1  # skipped, not waited for
        assert ben.take(first) == "ann"
        # take() looks at the store first, and has most likely heard of ben's take by now (then there
        # is nothing to take); should it not have, the server knows better: kept from looking here
        monkeypatch.setattr(cat, "refresh", lambda **kw: None)
        with pytest.raises(DecisionError, match=r"taken over meanwhile \(assigned now to ben\)"):
            cat.take(first)  # cat still sees ann's expired lease: the server knows better
        monkeypatch.undo()
        assert cat.take(exs[1].article.id) == "ann"
    with ReviewStore.open(pg_store) as st:
        assert st.assignments.assignees(first) == ["ben"]
        assert st.assignments.assignees(exs[1].article.id) == ["cat"]
    with admin(pg_store) as conn:
        leases = dict(conn.execute("SELECT article, holders FROM leases").fetchall())
    assert leases == {first: ["ben"], exs[1].article.id: ["cat"]}


# -- summaries, doctor -----------------------------------------------------------------------------


def _figures(path):
    with ReviewStore.open(path) as st:
        summary = st.summary()
        summary.pop("size")
        return summary, [st.progress(a) for a in st.article_ids()], [st.final_progress(a) for a in st.article_ids()]


def test_summaries_table_agrees_with_a_full_replay_and_doctor_rebuilds(pg_store):
    rng = random.Random(5)
    exs = articles(5)
    with ReviewStore.open(pg_store, mode="add") as st:
        for ex in exs:
            st.add_article(ex)

    def session(who, n):
        made = 0
        with ReviewStore.open(pg_store, write=True, reviewer=who) as st:
            for _ in range(n):
                ex = rng.choice(exs)
                cid = rng.choice(ex.entities)["id"]
                with contextlib.suppress(DecisionError):
                    st.decide(ex.article.id, cid, rng.choice(["accept", "reject", "undo"]))
                    made += 1
        return made

    for who in ("ann", "ben", "ann"):
        session(who, 30)
    with admin(pg_store) as conn:
        assert conn.execute("SELECT count(*) FROM summaries").fetchone()[0] == 5
    cached = _figures(pg_store)
    more = session("cat", 7)  # newer than some summaries: those articles are folded afresh
    with admin(pg_store) as conn:
        stale = conn.execute(
            "SELECT count(*) FROM summaries s WHERE s.upto < (SELECT max(pos) FROM decisions d WHERE d.article = s.article)"
        ).fetchone()[0]
    assert stale == 0  # cat's process kept them current as it closed
    with_tail = _figures(pg_store)
    assert with_tail[0]["decisions"] == cached[0]["decisions"] + more > cached[0]["decisions"]
    proc = run(pg_store, "doctor", "--repair")
    assert proc.returncode == 0 and "rebuilt the derived tables" in proc.stdout, proc.stdout + proc.stderr
    with admin(pg_store) as conn:
        assert conn.execute("SELECT count(*) FROM summaries").fetchone()[0] == 0
    assert _figures(pg_store) == with_tail  # the same figures, folded from the decisions
    assert run(pg_store, "doctor").stdout.strip().endswith("healthy")


# -- migrate ---------------------------------------------------------------------------------------


def _desk(path):
    exs = articles(3)
    with ReviewStore.open(path, mode="add") as st:
        for ex in exs:
            st.add_article(ex)
        st.assign(["ann", "ben"], overlap=2)
    rng = random.Random(3)
    for who in ("ann", "ben"):
        with ReviewStore.open(path, write=True, reviewer=who) as st:
            for ex in exs:
                for cand in ex.entities:
                    action = rng.choice(["accept", "reject", "edit"])
                    if action == "edit":
                        st.decide(ex.article.id, cand["id"], "edit", changes={"label": "LOC"})
                    else:
                        st.decide(ex.article.id, cand["id"], action)
            st.undo_last()
            if who == "ann":
                st.add_candidate(exs[0].article.id, {"kind": "entity", "start": 0, "end": 6, "label": "WORK_OF_ART"})
    with ReviewStore.open(path, write=True, reviewer="lead") as st:
        disputed = next(a for a in st.article_ids() if st.disputed(a))
        st.adjudicate(disputed, st.disputed(disputed)[0], choose="ann")
    return exs


def test_migrate_folder_to_postgresql_and_back_verified_and_idempotent(pg_store, tmp_path):
    folder = tmp_path / "desk"
    _desk(folder)
    proc = run(folder, "migrate", str(folder), pg_store)
    assert proc.returncode == 0, proc.stderr
    assert "verified: both stores export the same" in proc.stdout and "3 article(s) and" in proc.stdout
    again = run(folder, "migrate", str(folder), pg_store)
    assert again.returncode == 0 and "0 article(s) and 0 decision(s) copied" in again.stdout, again.stdout
    back = tmp_path / "back"
    proc = run(folder, "migrate", pg_store, str(back))
    assert proc.returncode == 0 and "verified" in proc.stdout, proc.stderr
    exports = [
        run(where, "export", "--include", "all", "--format", "jsonl").stdout for where in (folder, pg_store, back)
    ]
    assert exports[0] == exports[1] == exports[2] and exports[0].count("\n") == 3
    with ReviewStore.open(pg_store, write=True, reviewer="ann") as st:  # undo history came along
        assert st.undo_last()
        assert st.engine.kind == "postgresql"
    status = run(pg_store, "status")
    assert "(postgresql)" in status.stdout and "server" in status.stdout and "ann" in status.stdout


def test_migrate_resumes_and_refuses_a_store_that_is_not_a_copy(pg_store, tmp_path):
    from tui.store.migrate import migrate

    folder = tmp_path / "desk"
    _desk(folder)
    with ReviewStore.open(pg_store, mode="add") as st:  # an interrupted copy: one article, no decisions
        with ReviewStore.open(folder) as src:
            first = src.article_ids()[0]
            row = src.article_info(first)
            data = src.engine.read_article(row)
        body = {k: data["article"][k] for k in ("id", "title", "text", "tokens")}
        st.engine.add_article(row, body, list(data["candidates"].values()))
    report = migrate(str(folder), pg_store, reviewer="x", holder="test")
    assert report.verified and report.articles == 2 and report.articles_present == 1
    other = tmp_path / "other"
    with ReviewStore.open(other, write=True, reviewer="ann") as st:
        ex = make_extraction(articles(1)[0].article.text, [("Kyiv", "GPE")])
        st.add_article(ex)
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    with pytest.raises(StoreError, match="not a copy of this store"):
        migrate(str(other), pg_store, reviewer="x", holder="test")


def test_the_app_export_goes_to_the_current_directory_for_a_server_store(pg_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with ReviewStore.open(pg_store, mode="add") as st:
        assert st.folder == tmp_path


def test_an_export_reads_ahead_and_gives_the_same_articles(pg_store):
    """Export asks PostgreSQL for articles and decisions 32 at a time: the same records as one by one,
    and decisions made after a read-ahead (seen through refresh) are not hidden by it."""
    from tui.export import store_articles

    exs = [
        make_extraction(f"Report {i} says Kyiv and Lviv held.", [("Kyiv", "GPE"), ("Lviv", "GPE")]) for i in range(40)
    ]
    with ReviewStore.open(pg_store, write=True, reviewer="ann") as st:
        for ex in exs:
            st.add_article(ex)
        for ex in exs[::3]:
            st.decide(ex.article.id, ex.entities[0]["id"], "accept")

    def export(ahead: bool) -> list[dict]:
        with ReviewStore.open(pg_store) as st:
            if not ahead:
                st.prefetch = lambda ids: None  # one by one
            return [{k: v for k, v in a.items()} for a in store_articles(st, include=("accepted", "pending"))]

    assert export(True) == export(False)
    with ReviewStore.open(pg_store) as reader:
        reader.prefetch([ex.article.id for ex in exs[:32]])
        with ReviewStore.open(pg_store, write=True, reviewer="bob") as bob:
            bob.decide(exs[1].article.id, exs[1].entities[1]["id"], "reject")
        heard(reader)
        states = {c["id"]: c["status"] for c in reader.candidates(exs[1].article.id, view="bob")}
        assert states[exs[1].entities[1]["id"]] == "rejected"


def test_a_reconnect_in_the_pollers_thread_never_holds_the_analysts_keys(filled_store, monkeypatch):
    """The server stops answering: the poller's reconnect waits out the connect timeout without the
    store's lock, so a decision on the main thread meanwhile is refused at once (not saved, said so)
    rather than frozen; once the server answers, the poller's new sessions carry the next decision."""
    import threading

    from tui.app.live import guard
    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid = ex.article.id
    e0, e1 = (e["id"] for e in ex.entities[:2])
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        engine = guard(st)
        st.candidates(aid)
        engine.fetch()
        target = engine._target
        real_connect = target._connect
        answering = threading.Event()

        def slow_connect():  # a server that does not answer, until it does
            if not answering.wait(2.0):
                raise StoreUnavailable("cannot connect to the PostgreSQL server: timeout expired")
            return real_connect()

        monkeypatch.setattr(target, "_connect", slow_connect)
        with admin(path) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(%s)",
                [[target._conn.info.backend_pid, target._listener.info.backend_pid]],
            )
        time.sleep(0.2)  # the server's goodbye reaches the client
        with pytest.raises(StoreUnavailable):
            for _ in range(40):  # the poll finds the sessions gone
                engine.fetch()
                time.sleep(0.05)
        poller = threading.Thread(target=engine.fetch)
        poller.start()
        time.sleep(0.2)  # the poller is waiting on the server now
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="not saved"):
            st.decide(aid, e0, "accept")
        assert time.monotonic() - started < 0.5  # refused at once, not after the connect timeout
        answering.set()
        poller.join(10)
        assert not poller.is_alive()
        assert st.decide(aid, e1, "reject")["status"] == "rejected"  # on the sessions the poller made
        assert st.candidate(aid, e0)["status"] == "pending"


def test_with_a_poller_a_write_that_lost_its_session_still_reconnects_at_once(filled_store):
    """The poller owns reconnecting once the server was found away; a write that itself finds its
    session gone (a server restart, an idle timeout) still reconnects at once and asks whether it
    committed — it is saved, not refused."""
    from tui.app.live import guard

    path, ex = filled_store
    aid = ex.article.id
    e0 = ex.entities[0]["id"]
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        engine = guard(st)
        st.candidates(aid)
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [engine._target._conn.info.backend_pid])
        time.sleep(0.2)
        assert st.decide(aid, e0, "accept")["status"] == "accepted"
    with ReviewStore.open(path) as st:
        assert [h["action"] for h in st.history(aid, e0)] == ["accept"]


def test_sessions_guard_against_a_lost_client_and_a_write_says_when_the_lock_is_held(pg_store):
    """QA: a connection lost mid-transaction left its session "idle in transaction" on the server,
    holding the store's write lock; every writer then waited for good (more than ten minutes), the
    screen frozen. newsreview's sessions ask the server to end such a session, and to notice a client
    gone; a write waits for a lock a bounded time, then says so and saves nothing."""
    (ex,) = articles(1)
    with ReviewStore.open(pg_store, write=True, reviewer="ana") as st:
        st.add_article(ex)
        conn = st.engine._conn
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('idle_in_transaction_session_timeout', "
                "'lock_timeout', 'tcp_keepalives_idle')"
            ).fetchall()
        )
        assert settings == {"idle_in_transaction_session_timeout": "60000", "lock_timeout": "20000", "tcp_keepalives_idle": settings["tcp_keepalives_idle"]}  # fmt: skip
        conn.execute("SET lock_timeout = '300ms'")  # (the test's patience, not 20 s)
        other = admin(pg_store)
        try:
            other.execute("BEGIN")
            other.execute("SELECT pg_advisory_xact_lock(%s)", [st.engine._key("write")])  # the orphan
            with pytest.raises(StoreError, match=r"^not saved: .* is busy: its write lock has been held"):
                st.decide(ex.article.id, ex.entities[0]["id"], "accept")
        finally:
            other.execute("ROLLBACK")
            other.close()
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")  # free again: saved
    with ReviewStore.open(pg_store) as again:
        assert again.totals()[0] == 1


def two_decided(url):
    """Two articles, each with one entity ana accepted (for the damage tests below)."""
    exs = articles(2)
    with ReviewStore.open(url, write=True, reviewer="ana") as st:
        for ex in exs:
            st.add_article(ex)
            st.decide(ex.article.id, ex.entities[0]["id"], "accept")
    return exs


def test_damage_to_derived_and_index_rows_and_a_changed_action_are_named(pg_store):
    """QA: a summaries row that was no object stopped every read command ("internal error") while
    doctor said healthy; a malformed index record gave "internal error: KeyError" in every command,
    doctor included; a decision whose record's action was changed behind its column passed doctor."""
    from tui.store.postgres import check

    two_decided(pg_store)
    with admin(pg_store) as conn:
        conn.execute("UPDATE summaries SET entry = '[1, 2]'")
    with ReviewStore.open(pg_store) as st:  # derived: folded again, every read works
        assert st.totals()[0] == 2
    report = check(pg_store)
    assert any("the derived table summaries holds 2 unreadable row(s)" in p for p in report.problems)
    assert not check(pg_store, repair=True).unrepairable and not check(pg_store).problems
    with admin(pg_store) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "UPDATE decisions SET record = replace(record::text, '\"accept\"', '\"reject\"')::json "
            "WHERE pos = (SELECT min(pos) FROM decisions)"
        )
    (problem,) = check(pg_store).problems
    assert problem.startswith("1 decision row(s) whose columns disagree with their record (the first: ana's on article")
    with admin(pg_store) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE index_records SET doc = '{}' WHERE pos = (SELECT min(pos) FROM index_records)")
    with pytest.raises(StoreDamaged, match=r"index record \d+ \(articles\) is not what that table holds"):
        ReviewStore.open(pg_store)
    (problem,) = check(pg_store).problems
    assert "is not what that table holds" in problem and "run 'newsreview doctor'" not in problem


def test_a_deleted_article_row_and_an_orphan_decision_are_said(pg_store, tmp_path):
    """QA: with an article's row deleted behind the store's back, `status` counted it and exited 0;
    a decision on an article the store does not hold passed doctor."""
    from tui.store.postgres import check

    from support import CLI

    exs = articles(2)
    with ReviewStore.open(pg_store, write=True, reviewer="ana") as st:
        for ex in exs:
            st.add_article(ex)
        st.decide(exs[1].article.id, exs[1].entities[0]["id"], "accept")
    with admin(pg_store) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM candidates WHERE article = %s", [exs[0].article.id])
        conn.execute("DELETE FROM articles WHERE id = %s", [exs[0].article.id])
        conn.execute(
            "UPDATE decisions SET article = 'no-such-article', "
            "record = jsonb_set(record::jsonb, '{article}', '\"no-such-article\"')::json"
        )
    status = CLI(pg_store)("status", "--json", check=1)
    assert exs[0].article.id in status.stdout
    problems = " | ".join(check(pg_store).problems)
    assert "1 decision row(s) on an article the store does not hold (the first: no-such-article)" in problems


def test_a_decision_row_that_holds_no_record_is_named(pg_store):
    """QA: a decision's record replaced by ``{}`` made status and export fail with "internal error:
    KeyError: 'id'"; now they say which row of which article, in one line (the desk's correction model
    reads every reviewer's decisions, so they stop there: doctor names it too)."""
    from tui.store.postgres import check

    from support import CLI

    exs = two_decided(pg_store)
    with admin(pg_store) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE decisions SET record = '{}' WHERE article = %s", [exs[0].article.id])
        conn.execute("DELETE FROM summaries")
    cli = CLI(pg_store)
    for command in ("status", "export"):
        said = cli(command, check=1).stderr
        assert said.count("\n") == 1 and "internal error" not in said, said
        assert f"decision row 1 on article '{exs[0].article.id}' holds no decision record" in said
    assert any("disagree with their record (the first: ana's on article" in p for p in check(pg_store).problems)


async def test_e_exports_a_server_store_beside_the_analyst(pg_store, tmp_path, monkeypatch):
    """The app's ``E`` runs ``newsreview export`` as a child process: on a server store it reaches
    the same database (the URL handed over in its environment, never on a command line any local user
    can read) and writes ``export.json`` in the current folder."""
    from app_support import exported

    from tui.app.app import ReviewApp

    monkeypatch.chdir(tmp_path)
    store = ReviewStore.open(pg_store, write=True, reviewer="ana")
    for ex in articles(2):
        store.add_article(ex)
    app = ReviewApp(store, config=tmp_path / "cfg")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("a", "E")
            await exported(pilot, app)
    finally:
        store.close()
    written = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert [e["text"] for a in written["articles"] for e in a["entities"]] == ["Kyiv"]
    assert "exported accepted" in str([n.message for n in app._notifications])


def test_an_early_store_without_leases_gains_them_filled_on_upgrade(pg_store):
    """QA, stop 41: the first PostgreSQL release made no `leases` table (step 1 was edited in place
    later): upgraded, such a store was damaged in doctor's eyes and `assign` failed."""
    (first,) = articles(1)
    with ReviewStore.open(pg_store, mode="add") as st:
        _, aid = st.add_article(first)
        st.assign(["ann", "ben"], overlap=1, lease_hours=24)
    with admin(pg_store) as conn:  # as da70925 left it: version 1, no leases
        conn.execute("DROP TABLE leases")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with ReviewStore.open(pg_store, mode="add") as st:
        assert any("upgraded to version 3" in n for n in st.notices)
        assert st.assignments.assignees(aid)
    with admin(pg_store) as conn:
        (holders,) = conn.execute("SELECT holders FROM leases WHERE article = %s", [aid]).fetchone()
        assert holders and holders[0] in ("ann", "ben")
    from tui.store.postgres import check as check_server

    assert check_server(pg_store).healthy


def test_an_upgrade_that_must_wait_for_another_session_says_so(pg_store, monkeypatch):
    """QA, stop 41: an upgrade behind another session's open transaction failed with the server's
    "canceling statement due to lock timeout"."""
    import psycopg

    from tui.store import StoreError, postgres
    from tui.store.urls import split_schema

    with ReviewStore.open(pg_store, mode="add") as st:
        st.add_article(articles(1)[0])
    with admin(pg_store) as conn:  # step 2 alters index_records: it waits for the reader below
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    monkeypatch.setitem(postgres.SESSION_GUARDS, "lock_timeout", "1s")
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT", 1)
    dsn, schema = split_schema(pg_store)
    with psycopg.connect(dsn) as blocker:
        blocker.execute(f'SELECT count(*) FROM "{schema}".index_records')  # a transaction left open
        with pytest.raises(StoreError, match=r"must be upgraded to version 3, and another session has held them"):
            ReviewStore.open(pg_store)
        blocker.rollback()
    with admin(pg_store) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "1"
    with ReviewStore.open(pg_store) as st:
        assert any("upgraded to version 3" in n for n in st.notices)


def test_a_table_the_upgrade_makes_gets_the_roles_rights(pg_store):
    """QA, stop 41: after the owner's upgrade made `leases`, a reviewer role granted the README's rights
    on the store's tables got "permission denied for table leases" on assign and take-overs."""
    import psycopg

    from tui.store.urls import split_schema

    with ReviewStore.open(pg_store, mode="add") as st:
        st.add_article(articles(1)[0])
    dsn, schema = split_schema(pg_store)
    role = f"nr_rev_{schema}"[:60]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        conn.execute(f'CREATE ROLE "{role}"')
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.execute(f'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
        conn.execute(f'GRANT UPDATE, DELETE ON "{schema}".summaries, "{schema}".leases TO "{role}"')
        conn.execute(f'DROP TABLE "{schema}".leases')
        conn.execute(f'UPDATE "{schema}".meta SET value = %s WHERE key = %s', ["2", "schema_version"])
    try:
        with ReviewStore.open(pg_store, mode="add"):
            pass  # the owner upgrades: leases made again
        with psycopg.connect(dsn) as conn:
            rights = {
                r[0]
                for r in conn.execute(
                    "SELECT privilege_type FROM information_schema.role_table_grants "
                    "WHERE table_schema = %s AND table_name = 'leases' AND grantee = %s",
                    [schema, role],
                )
            }
        assert {"SELECT", "INSERT", "UPDATE", "DELETE"} <= rights
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


def test_a_session_lost_while_it_takes_the_reviewer_s_lock_is_a_lost_connection(filled_store, monkeypatch):
    """QA (stop 45): the server ending a new session while it took the reviewer's lock (a restart
    right after a reconnect) surfaced as "internal error: AdminShutdown"; it is a lost connection, said
    so and tried again, as any other."""
    import psycopg

    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid, e0 = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True, reviewer="ana") as ana:
        engine = ana.engine
        real = engine._take_lock
        failures = [psycopg.OperationalError("connection socket closed")]

        def take(conn):
            if failures:
                raise failures.pop()
            return real(conn)

        monkeypatch.setattr(engine, "_take_lock", take)
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [engine._conn.info.backend_pid])
        with pytest.raises(StoreUnavailable, match="lost the connection"):
            for _ in range(3):  # the first call may only read the server's goodbye
                ana.decide(aid, e0, "accept")
        ana.decide(aid, e0, "accept")  # reconnected, the lock taken: saved
        assert ana.candidate(aid, e0)["status"] == "accepted"


class _Proxy:
    """A TCP relay between the store and the test server that can stop relaying, as a server that
    hangs (its processes stopped, its host frozen) looks to a client: connected, silent."""

    def __init__(self, url: str) -> None:
        import socket
        import threading
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        self.url = url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{port}", 1)
        self.flowing = threading.Event()
        self.flowing.set()
        self.replying = threading.Event()  # cleared: the server's answers are held (it got the request)
        self.replying.set()
        self.hold_after_commit = False  # hold the server's answers from the next COMMIT on
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for src, dst, gate in ((client, server, self.flowing), (server, client, self.replying)):
                threading.Thread(target=self._pump, args=(src, dst, gate), daemon=True).start()

    def _pump(self, src, dst, gate) -> None:
        import socket

        try:
            while data := src.recv(65536):
                self.flowing.wait()  # frozen: read, held, not passed on
                gate.wait()
                if gate is self.flowing and self.hold_after_commit and b"COMMIT" in data:
                    self.hold_after_commit = False
                    self.replying.clear()  # the server commits; its answer is held
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):  # one side gone: the other is closed too (the server's session ends)
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.flowing.set()
        self.replying.set()
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.close()


@pytest.fixture
def relayed(filled_store, monkeypatch):
    """The filled store behind a :class:`_Proxy`, a reviewing session giving the server 1 s to answer:
    (the store's URL, the relay, the article id, its first two entities' ids)."""
    from tui.store import postgres

    monkeypatch.setattr(postgres, "ANSWER_WAIT", 1.0)
    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    proxy = _Proxy(path)
    e0, e1 = (e["id"] for e in ex.entities[:2])
    yield path, proxy, ex.article.id, e0, e1
    proxy.close()


def test_a_server_that_stops_answering_costs_a_decision_seconds_not_the_session(relayed):
    """QA (PostgreSQL): with the server's processes stopped, `a` on the review screen waited for good
    and `q` with it (until the server went on). A reviewing session gives a round trip ANSWER_WAIT
    seconds, then says nothing was saved; once the server answers again the next decision is saved."""
    path, proxy, aid, e0, e1 = relayed
    with ReviewStore.open(proxy.url, write=True, reviewer="ana") as st:
        proxy.flowing.clear()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"did not answer for 1 s"):
            st.decide(aid, e0, "accept")
        assert time.monotonic() - started < 4  # (was: as long as the server hung)
        proxy.flowing.set()
        time.sleep(0.5)  # the cut session ends on the server, its reviewer's lock with it
        assert st.candidate(aid, e0)["status"] == "pending"
        assert st.decide(aid, e1, "accept")["status"] == "accepted"
    with ReviewStore.open(path) as st:
        assert st.candidate(aid, e0)["status"] == "pending" and st.candidate(aid, e1)["status"] == "accepted"


def test_a_reading_command_on_a_server_that_hangs_says_so_instead_of_waiting_for_good(relayed, monkeypatch):
    """QA (stop 47, carried): with the server hung mid-way, ``export`` and ``status`` waited for good,
    saying nothing. A reading session gives each round trip READ_WAIT seconds (longer than a
    reviewing one's: a round trip may read PREFETCH articles), then fails with one line."""
    from tui.store import postgres

    monkeypatch.setattr(postgres, "READ_WAIT", 1.0)
    _path, proxy, aid, _e0, _e1 = relayed
    with ReviewStore.open(proxy.url) as st:
        assert st.engine.answer_wait == 1.0
        proxy.flowing.clear()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"did not answer for 1 s \(a server that hangs\)"):
            st.article(aid)
        assert time.monotonic() - started < 4
        proxy.flowing.set()
    with ReviewStore.open(proxy.url, mode="add") as st:  # (adding is not bounded: a batch takes its time)
        assert st.engine.answer_wait is None
    with ReviewStore.open(proxy.url, write=True, reviewer="ana") as st:
        assert st.engine.answer_wait == postgres.ANSWER_WAIT


@pytest.mark.parametrize("step", ["_connect", "_ensure_schema"])
def test_opening_a_store_on_a_server_that_hangs_says_so_instead_of_waiting_for_good(relayed, monkeypatch, step):
    """QA (stop 50): ``articles`` waited 2.5 min on a server that stopped just as it connected —
    opening (the session's settings, the schema check, the reviewer's lock) was not bounded. It gets
    OPEN_WAIT seconds, then one line; nothing is kept half open."""
    from tui.store import postgres

    monkeypatch.setattr(postgres, "OPEN_WAIT", 1.0)
    _path, proxy, aid, _e0, _e1 = relayed
    engine_class = postgres.PostgresEngine
    real = getattr(engine_class, step)

    def hangs_then(self, *args):
        if step == "_connect":  # the server stops once the connection is made, before its first answer
            real_execute = postgres._driver().Connection.execute

            def first(c, *a, **k):
                proxy.flowing.clear()
                monkeypatch.setattr(postgres._driver().Connection, "execute", real_execute)
                return real_execute(c, *a, **k)

            monkeypatch.setattr(postgres._driver().Connection, "execute", first)
            return real(self, *args)
        proxy.flowing.clear()
        return real(self, *args)

    monkeypatch.setattr(engine_class, step, hangs_then)
    for mode in ("read", "review"):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"did not answer for 1 s \(a server that hangs\)"):
            ReviewStore.open(proxy.url, write=mode == "review", reviewer="ana")
        assert time.monotonic() - started < 5
        proxy.flowing.set()
    monkeypatch.setattr(engine_class, step, real)
    with ReviewStore.open(proxy.url, write=True, reviewer="ana") as st:  # the name was let go
        assert st.article(aid)["id"] == aid


def test_ctrl_c_while_opening_leaves_no_watchdog_armed(relayed, monkeypatch):
    """Review (stop 51): a KeyboardInterrupt while the session's first round trip waited left its
    deadline armed; 60 s later the watchdog would shut down whatever socket had that number by then."""
    from tui.store import postgres

    _path, proxy, _aid, _e0, _e1 = relayed
    real = postgres._driver().Connection.execute

    def interrupted(c, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(postgres._driver().Connection, "execute", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ReviewStore.open(proxy.url)
    monkeypatch.setattr(postgres._driver().Connection, "execute", real)
    assert postgres._WATCHDOG._armed == {}


#: a process that reviews as ana, rejects one entity and holds the name until its stdin closes
HOLDER = """
import sys
from tui.store import ReviewStore
with ReviewStore.open(sys.argv[1], write=True, reviewer="ana", holder="the other") as st:
    st.decide(sys.argv[2], sys.argv[3], "reject")
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_a_session_back_without_its_reviewer_s_lock_never_writes_and_says_so(filled_store, monkeypatch):
    """QA (PostgreSQL): a review whose session was lost while another process took its reviewer's
    name read "store unreachable"; and a reconnect that could not take the lock kept the new session
    all the same, so that the next write went through it — two writers of one name."""
    from tui.store import postgres

    monkeypatch.setattr(postgres, "RETRY_EVERY", 0.0)
    path, ex = filled_store
    aid = ex.article.id
    e0, e1 = (e["id"] for e in ex.entities[:2])
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        with admin(path) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", [st.engine._conn.info.backend_pid])
        time.sleep(0.3)  # the server ends that session: ana's lock is free
        other = subprocess.Popen(  # another process takes the name meanwhile
            [sys.executable, "-c", HOLDER, str(path), aid, e1],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert other.stdout.readline().strip() == "holding"
            for _ in range(2):  # the second time too: no session kept without the lock
                with pytest.raises(StoreLocked, match=r"reviewer 'ana' already has .* the other"):
                    st.decide(aid, e0, "accept")
        finally:
            other.communicate("", timeout=30)  # it lets go
        assert st.decide(aid, e0, "accept")["status"] == "accepted"  # the name free again: saved
    with ReviewStore.open(path) as st:
        assert [h["action"] for h in st.history(aid, e0)] == ["accept"]
        assert [h["action"] for h in st.history(aid, e1)] == ["reject"]


def test_apply_never_saves_a_line_twice_when_the_server_kept_what_it_did_not_confirm(relayed, monkeypatch):
    """QA (re-test): the server hung after it had the decision's COMMIT; after the 8 s the line was
    "not saved", `apply` tried it again once the server was back — and the server had committed the
    first attempt all the same: the addition was in the store twice, and one undo left it there."""
    import io
    import threading

    from tui import decisions

    monkeypatch.setattr(decisions, "RETRY_EVERY", 0.2)
    path, proxy, aid, _, _ = relayed
    with ReviewStore.open(path) as st:
        start = st.article(aid)["text"].index("Second")
    line = {"article": aid, "action": "add", "kind": "entity", "start": start, "end": start + 6, "label": "ORDINAL"}
    with ReviewStore.open(proxy.url, write=True, reviewer="ana") as st:
        proxy.hold_after_commit = True  # the server gets the write and commits it; its answer is held
        threading.Timer(2.5, proxy.replying.set).start()  # ... until the server answers again
        out, err = io.StringIO(), io.StringIO()
        failed = decisions.apply_stream(st, io.BytesIO(json.dumps(line).encode() + b"\n"), out, err=err, wait=20)
        said = [json.loads(x) for x in out.getvalue().splitlines()]
    with ReviewStore.open(path) as st:
        adds = [c for c in st.candidates(aid, "entity") if (c["start"], c["end"]) == (start, start + 6)]
        assert len(adds) == 1 and adds[0]["status"] == "added"
        assert sum(1 for h in st.history(aid, adds[0]["id"]) if h["action"] == "add") == 1
    assert failed == 0 and said[0]["ok"] is True, (said, err.getvalue())
    assert said[0]["candidate"] == adds[0]["id"]  # (QA: the late-confirmed line named none)


def test_a_decision_confirmed_late_is_read_before_the_next_is_made(relayed):
    """The review screen's side of the same: the decision "not saved" (the server did not confirm it)
    was committed; the next write says so and makes nothing until a refresh has read it."""
    path, proxy, aid, e0, e1 = relayed
    with ReviewStore.open(proxy.url, write=True, reviewer="ana") as st:
        proxy.hold_after_commit = True
        with pytest.raises(StoreUnavailable, match="did not answer"):
            st.decide(aid, e0, "accept")
        proxy.replying.set()
        time.sleep(0.3)
        with pytest.raises(StoreUnavailable, match="was saved after all"):
            st.decide(aid, e0, "accept")  # the analyst presses `a` again
        st.refresh()
        assert st.candidate(aid, e0)["status"] == "accepted"
        assert st.decide(aid, e1, "reject")["status"] == "rejected"
        # the screen's poll comes first (as it does, three times a second): it settles and reads the
        # write, and the next key is not refused for it
        proxy.hold_after_commit = True
        with pytest.raises(StoreUnavailable, match="did not answer"):
            st.undo_last()
        proxy.replying.set()
        time.sleep(0.3)
        st.refresh()
        assert st.candidate(aid, e1)["status"] == "pending"  # the undo, saved after all
        st.engine._unconfirmed = str(10**15)  # an id the server does not know (it cannot say): no hold-up
        assert st.decide(aid, e1, "accept")["status"] == "accepted"
    with ReviewStore.open(path) as st:
        assert [h["action"] for h in st.history(aid, e0)] == ["accept"]
