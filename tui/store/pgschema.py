"""The PostgreSQL store's tables, created and migrated by newsreview itself, versioned.

All tables of one store live in one PostgreSQL schema (``newsreview`` unless the URL says
``?schema=NAME``), so one database can hold several stores. ``meta`` records the schema version; on
every open, :func:`migrate` applies the steps a store lacks, in one transaction, under an advisory
lock (two first users at once do it once). A store written by a newer release is refused.

Written once (a trigger refuses UPDATE, DELETE and TRUNCATE):
    articles, candidates     an article and the machine's candidates, as ``add`` stored them
    decisions                one row per decision, the journal's record verbatim (``record``), plus
                             the columns queries need; ``pos`` orders the whole store's decisions
    index_records            store-wide records (articles, assignments, takes, settings, re-extractions),
                             in order
Derived (rebuilt from the above by ``newsreview doctor --repair``):
    article_reviewers        who decided on which article: count, latest ``pos``, latest time
                             (kept by a statement trigger on ``decisions``)
    leases                   each assigned article's assignees now; a take locks its row with
                             ``SELECT … FOR UPDATE SKIP LOCKED`` (kept by the engine with the index)
    summaries                the store's per-article summaries, and the ``pos`` they cover
Live:
    reviewers                who holds each reviewer's writer lock (for the refusal message)
    presence                 which article each reviewer has open
"""

from __future__ import annotations

import re

VERSION = 3
FORMAT = "newsreview-store/2"  # the records are those of the folder store's format 2

_WRITE_ONCE = """
CREATE FUNCTION write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'newsreview: % is written once (insert only): % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

_TABLES = """
CREATE TABLE meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE articles (
    id text PRIMARY KEY,
    text_sha text NOT NULL UNIQUE,
    doc json NOT NULL,                       -- {id, title, text, tokens, text_sha, row}
    stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE candidates (
    article text NOT NULL REFERENCES articles (id),
    ord integer NOT NULL,                    -- the order add stored them in
    id text NOT NULL,
    kind text NOT NULL,
    doc json NOT NULL,
    PRIMARY KEY (article, ord),
    UNIQUE (article, id)
);
CREATE TABLE index_records (
    pos bigserial PRIMARY KEY,
    tbl text NOT NULL CHECK (tbl IN ('articles', 'reviewers', 'assignments', 'takes', 'settings', 'removed')),
    doc json NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE decisions (
    pos bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    reviewer text NOT NULL,
    rseq bigint NOT NULL,                    -- the record's "seq": the reviewer's count, from 1
    article text NOT NULL REFERENCES articles (id),
    candidate text NOT NULL,
    action text NOT NULL,
    at text NOT NULL,
    record json NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reviewer, rseq)
);
CREATE INDEX decisions_by_article ON decisions (article, pos);

CREATE TABLE article_reviewers (
    article text NOT NULL,
    reviewer text NOT NULL,
    decisions bigint NOT NULL,
    last_pos bigint NOT NULL,
    last_at text NOT NULL,
    PRIMARY KEY (article, reviewer)
);
CREATE TABLE summaries (
    article text PRIMARY KEY,
    upto bigint NOT NULL,                    -- covers every decision on the article with pos <= upto
    entry json NOT NULL
);
CREATE TABLE leases (
    article text PRIMARY KEY,
    holders text[] NOT NULL,                 -- the assignees now (takes applied)
    assigned_at text NOT NULL,
    lease_hours double precision NOT NULL
);
CREATE TABLE reviewers (
    name text PRIMARY KEY,
    holder text,
    since timestamptz
);
CREATE TABLE presence (
    reviewer text PRIMARY KEY,
    article text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    pid integer
);

CREATE FUNCTION derive_article_reviewers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_reviewers AS ar (article, reviewer, decisions, last_pos, last_at)
    SELECT article, reviewer, count(*), max(pos), max(at) FROM new_rows GROUP BY article, reviewer
    ON CONFLICT (article, reviewer) DO UPDATE
        SET decisions = ar.decisions + EXCLUDED.decisions,
            last_pos = greatest(ar.last_pos, EXCLUDED.last_pos),
            last_at = greatest(ar.last_at, EXCLUDED.last_at);
    RETURN NULL;
END $$;
CREATE TRIGGER decisions_derive AFTER INSERT ON decisions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION derive_article_reviewers();
"""


def _write_once_triggers(tables: tuple[str, ...]) -> str:
    return "".join(
        f"CREATE TRIGGER {t}_write_once BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION write_once();\n"
        f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION write_once();\n"
        for t in tables
    )


# (version, what it does, SQL run with search_path set to the store's schema). Append, never edit.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "tables for articles, candidates, decisions, index records; derived summaries; presence",
        _WRITE_ONCE + _TABLES + _write_once_triggers(("articles", "candidates", "index_records", "decisions")),
    ),
    (
        2,
        "index records of re-extractions (newsreview reextract)",
        "ALTER TABLE index_records DROP CONSTRAINT index_records_tbl_check;\n"
        "ALTER TABLE index_records ADD CONSTRAINT index_records_tbl_check CHECK (tbl IN "
        "('articles', 'reviewers', 'assignments', 'takes', 'settings', 'removed', 'extractions'));\n",
    ),
    (
        3,
        # QA, stop 41: the first PostgreSQL stores (da70925) were made before `leases` joined step 1,
        # which was edited in place: upgraded to 2 they lacked it, and `assign` failed. The step also
        # marks the desk's rules (leads, the label set) that earlier releases would not keep: they
        # refuse a store of version 3 instead of writing to it by their older rules. The engine
        # fills a table made here from the index's assignments (postgres.PostgresEngine._ensure_schema).
        "the leases table where an early store lacks it; earlier releases refused from here",
        "CREATE TABLE IF NOT EXISTS leases (\n"
        "    article text PRIMARY KEY,\n"
        "    holders text[] NOT NULL,\n"
        "    assigned_at text NOT NULL,\n"
        "    lease_hours double precision NOT NULL\n"
        ");\n",
    ),
]


#: the tables only ever written once (rows inserted, never changed), and the ones derived from them
#: or kept for the session (rebuilt, or made again, by `doctor --repair`)
WRITE_ONCE = ("meta", "articles", "candidates", "index_records", "decisions")
DERIVED = ("article_reviewers", "summaries", "leases", "reviewers", "presence")


def derived_tables() -> str:
    """The derived tables' CREATE statements, each only if the table is missing (QA: one dropped
    made every command fail with the server's "relation does not exist")."""
    found = re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", _TABLES, re.S)
    return "".join(f"CREATE TABLE IF NOT EXISTS {name} ({body}\n);\n" for name, body in found if name in DERIVED)


# what `doctor --repair` runs to rebuild the derived tables from the written-once ones
REBUILD = """
DELETE FROM summaries;
DELETE FROM leases;
DELETE FROM article_reviewers;
INSERT INTO article_reviewers (article, reviewer, decisions, last_pos, last_at)
SELECT article, reviewer, count(*), max(pos), max(at) FROM decisions GROUP BY article, reviewer;
"""
