"""``newsreview migrate FROM TO``: copy a store to another engine (a folder to PostgreSQL and back),
through the one engine interface, then prove the copy by comparing exports.

What is copied, in this order, each step skipping what the target holds already (so a second run,
or a run after an interruption, copies only what is missing: idempotent):

1. articles (text, tokens, the machine's candidates, the index row as it was), by id; an article of
   the same id but another text in the target is refused;
2. store-wide records: assignments, takes, settings (each one not in the target yet);
3. each reviewer's decisions, in that reviewer's order, as that reviewer (their writer lock is
   taken, so nobody may be reviewing under that name meanwhile); the records are copied verbatim. A
   target whose decisions for a reviewer are not the start of the source's is refused.

Then the target's per-article summaries are built (the first open of a big store stays fast) and
both stores are exported — the desk's final view with every status, and each reviewer's own view —
and compared line by line: the copy is verified only if they are identical.

Articles that doctor removed (their file was lost) are not copied: there is nothing to copy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from .engine import Engine, IndexRecord
from .errors import StoreError
from .urls import is_url, shown

CHUNK = 1000  # decisions per transaction
COPIED_TABLES = ("assignments", "takes", "settings", "extractions")


@dataclass
class MigrateReport:
    articles: int = 0
    articles_present: int = 0
    records: int = 0
    records_present: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # reviewer -> copied now
    decisions_present: dict[str, int] = field(default_factory=dict)
    skipped_removed: int = 0
    verified: bool = False
    compared: int = 0  # export lines compared
    difference: str | None = None
    source_changed: str | None = None  # FROM was written to while it was copied: what changed
    seen: tuple[int, dict[str, int]] = (0, {})  # FROM's desk records and decisions per reviewer, as copied


def _canon(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def _engine(location: str) -> Engine:
    from .store import engine_for

    return engine_for(location)


def _index_state(index: list[IndexRecord]) -> tuple[dict[str, dict[str, Any]], list[IndexRecord]]:
    """Live article rows by id, and the other copied records, in order."""
    rows: dict[str, dict[str, Any]] = {}
    others: list[IndexRecord] = []
    for table, doc in index:
        if table == "articles":
            rows.setdefault(doc["id"], doc)
        elif table == "removed":
            rows.pop(doc["article"], None)
        elif table in COPIED_TABLES:
            others.append((table, doc))
    return rows, others


def migrate(
    source: str,
    target: str,
    *,
    reviewer: str,
    holder: str,
    say: Callable[[str], None] = lambda line: None,
) -> MigrateReport:
    from .store import ReviewStore

    report = MigrateReport()
    if source == target:
        raise StoreError("FROM and TO are the same store")
    _check_places(source, target)
    src = _engine(source)
    src.open("read", reviewer, holder)
    try:
        src_index, _ = src.load()
        report.seen = (_desk_records(src_index), {name: n for name, (n, _) in src.stats().items()})
        src_rows, src_others = _index_state(src_index)
        report.skipped_removed = sum(1 for t, _ in src_index if t == "removed")
        dst = _engine(target)
        dst.open("add", reviewer, holder)
        try:
            dst_index, _ = dst.load()
            dst_rows, dst_others = _index_state(dst_index)
            _check_copy(src, dst, src_rows, src_others, dst_rows, dst_others, shown(target))
            for aid, row in src_rows.items():
                if aid in dst_rows:
                    report.articles_present += 1
                    continue
                data = src.read_article(row)
                article = data["article"]
                body = {k: article[k] for k in ("id", "title", "text", "tokens") if k in article}
                status, _, _ = dst.add_article(row, body, list(data["candidates"].values()))
                if status != "added":
                    raise StoreError(
                        f"{shown(target)} holds the text of article '{clean_line(aid, 80)}' under another id: "
                        "not a copy of this store; migrate into an empty store"
                    )
                report.articles += 1
            say(f"articles: {report.articles} copied, {report.articles_present} already there")
            have = {(t, _canon(d)) for t, d in dst_others}
            missing = [(t, d) for t, d in src_others if (t, _canon(d)) not in have]
            report.records_present = len(src_others) - len(missing)
            if missing:
                dst.append_index(missing)
            report.records = len(missing)
            say(f"assignments and settings: {report.records} copied, {report.records_present} already there")
        finally:
            dst.close()
        for name in sorted(src.stats()):
            records = list(src.recent(name))
            records.reverse()
            _copy_reviewer(target, name, records, holder, report)
            say(
                f"decisions of {clean_line(name, 64)}: {report.decisions[name]} copied, "
                f"{report.decisions_present[name]} already there"
            )
    finally:
        src.close()
    with ReviewStore.open(target, mode="add", reviewer=reviewer, holder=holder) as st:
        st.summary()  # folds every article once: its summaries are kept when the store closes
    _verify(source, target, report)
    return report


def _check_places(source: str, target: str) -> None:
    """Two folders: neither may be inside the other (QA: a copy made inside its source's folder was a
    whole store among the source's own files)."""
    if is_url(source) or is_url(target):
        return
    a, b = Path(source).expanduser().resolve(), Path(target).expanduser().resolve()
    if a == b:
        raise StoreError("FROM and TO are the same store")
    for inner, outer, name in ((b, a, "TO is inside FROM"), (a, b, "FROM is inside TO")):
        if outer in inner.parents:
            raise StoreError(f"{name} ({clean_line(shown(target if inner is b else source))}): use a folder of its own")


def _check_copy(
    src: Engine,
    dst: Engine,
    src_rows: dict[str, dict[str, Any]],
    src_others: list[IndexRecord],
    dst_rows: dict[str, dict[str, Any]],
    dst_others: list[IndexRecord],
    where: str,
) -> None:
    """Refuse, before anything is written, a target that is not (the start of) a copy of the source:
    one holding an article, a store-wide record or a reviewer's decision the source does not (QA: a
    migrate into another desk's store wrote the source's decisions and assignments into it, then
    failed its check and left it changed)."""

    def refuse(what: str) -> StoreError:
        return StoreError(
            f"{where} holds {what}: not a copy of this store; nothing was copied (migrate into an empty store)"
        )

    # first: a target that is a newer copy of the source is said as such (QA: "not a copy of this store";
    # review: its extra articles or records were refused before its decisions were looked at)
    src_names = set(src.stats())
    held_of = {name: [r["id"] for r in dst.recent(name)] for name in sorted(dst.stats())}
    ours_of = {name: [r["id"] for r in src.recent(name)] for name in held_of if name in src_names}
    for name, ours in ours_of.items():
        held = held_of[name]  # both newest first
        if len(held) > len(ours) and held[len(held) - len(ours) :] == ours:
            raise StoreError(
                f"{where} holds {len(held) - len(ours)} more decision(s) of '{clean_line(name, 64)}' than the "
                "source, after the same ones: it is a newer copy of this store, and the source an older one "
                "(a backup?); nothing was copied (migrate from the newer store into the older, or into an empty one)"
            )
    by_sha = {row["text_sha"]: aid for aid, row in dst_rows.items()}
    for aid, row in src_rows.items():
        there = dst_rows.get(aid)
        if there is not None and there["text_sha"] != row["text_sha"]:
            raise refuse(f"another article under the id '{clean_line(aid, 80)}'")
        other = by_sha.get(row["text_sha"])
        if there is None and other is not None:
            raise refuse(f"the text of article '{clean_line(aid, 80)}' under another id ('{clean_line(other, 80)}')")
    foreign = [aid for aid in dst_rows if aid not in src_rows]
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise refuse(f"article '{clean_line(foreign[0], 80)}'{more}, which the source does not")
    have = {(t, _canon(d)) for t, d in src_others}
    extra = [t for t, d in dst_others if (t, _canon(d)) not in have]
    if extra:
        raise refuse(f"{len(extra)} record(s) of {', '.join(sorted(set(extra)))} that the source does not")
    for name, held in held_of.items():
        if name not in src_names:
            raise refuse(f"decisions of '{clean_line(name, 64)}', who has none in the source")
        ours = ours_of[name]
        if held != ours[len(ours) - len(held) :]:  # the target's must be the oldest of the source's
            raise refuse(f"decisions of '{clean_line(name, 64)}' that are not those of the source (in the same order)")


def _copy_reviewer(target: str, name: str, records: list[dict[str, Any]], holder: str, report: MigrateReport) -> None:
    dst = _engine(target)
    dst.open("review", name, holder)
    if hasattr(dst, "answer_wait"):
        dst.answer_wait = None  # a server's engine: a batch of CHUNK decisions may take its time
    try:
        dst.load()
        there = list(dst.recent(name))
        there.reverse()
        ids = [r["id"] for r in records]
        if [r["id"] for r in there] != ids[: len(there)]:
            raise StoreError(
                f"{shown(target)} holds decisions of '{clean_line(name, 64)}' that are not those of the source "
                "(in the same order): not a copy of this store; migrate into an empty store"
            )
        todo = records[len(there) :]
        for start in range(0, len(todo), CHUNK):
            dst.append_decisions([dict(r) for r in todo[start : start + CHUNK]])
        report.decisions[name] = len(todo)
        report.decisions_present[name] = len(there)
    finally:
        dst.close()


def export_lines(location: str) -> list[bytes]:
    """Everything a store says, as export lines: the final view with every status, then each
    reviewer's own view (article by article), then the decision counts."""
    from ..export import ALL_STATUSES, render, store_articles
    from .store import ReviewStore

    out: list[bytes] = []
    with ReviewStore.open(location) as st:
        views = ["final", *st.reviewers()]
        for view in views:
            lines = render(store_articles(st, include=ALL_STATUSES, view=view), "jsonl").splitlines()
            out += [f"{view}\t{line}".encode() for line in lines]
        stats = st.engine.stats()
        out += [f"decisions\t{who}\t{n}".encode() for who, (n, _) in sorted(stats.items())]
    return out


def _verify(source: str, target: str, report: MigrateReport) -> None:
    before, after = export_lines(source), export_lines(target)
    report.compared = len(before)
    if before == after:
        report.verified = True
        return
    with contextlib.suppress(StoreError):  # (else the difference itself is said)
        report.source_changed = _changed_since(source, report.seen)
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        if a != b:
            view = a.split(b"\t", 1)[0].decode()
            report.difference = f"line {i + 1} of the exports ({clean_line(view, 64)}) differs"
            return
    report.difference = f"the source exports {len(before)} lines, the copy {len(after)}"


def _desk_records(index: list[IndexRecord]) -> int:
    """Index records but the reviewers' registrations (a decision of a new reviewer makes one)."""
    return sum(1 for table, _ in index if table != "reviewers")


def _changed_since(source: str, seen: tuple[int, dict[str, int]]) -> str | None:
    """What FROM holds now that it did not when the copy read it (someone reviewing, adding…), or None."""
    src = _engine(source)
    src.open("read", "newsreview", "'newsreview migrate'")
    try:
        index, _ = src.load()
        now = {name: n for name, (n, _) in src.stats().items()}
    finally:
        src.close()
    made = sum(max(0, n - seen[1].get(name, 0)) for name, n in now.items())
    added = max(0, _desk_records(index) - seen[0])
    if not made and not added:
        return None
    parts = [f"{made} decision(s)" if made else "", f"{added} article or desk record(s)" if added else ""]
    return " and ".join(p for p in parts if p)
