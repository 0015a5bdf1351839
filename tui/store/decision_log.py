"""Every reviewer's journal, read so that opening a store costs little however many decisions it holds.

The store needs, to open, only counts (how far each reviewer is, what the desk has settled) and the
decisions of the article on screen. So the journals are *verified* whole but *parsed* by article, on
demand:

- each journal is read into memory and checked line by line (checksum, sequence) — or, for the part
  that a cache already covers, by one CRC-32 over that whole prefix, which C computes at memory
  speed;
- each line is indexed by the article it decides on (found in the line's bytes, without parsing it);
- :meth:`DecisionLog.records` parses the lines of one article when the store first needs it;
- ``cache/decisions.json`` (written when a writer closes the store) keeps, for the journal prefixes it
  covers, the line index and a small summary per article (decisions per reviewer, final statuses,
  live additions); an article any newer line touches is summarised afresh. The cache is derived
  data: deleting it costs one slower open, and a cache that does not match the journals is ignored.

Damage is reported exactly as a full read would: a prefix whose CRC does not match its cache is
re-read line by line, so the damaged line is named.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..sanitize import clean_line
from .errors import StoreDamaged, StoreError
from .files import atomic_write, make_folder, read_file, sealed, unsealed, why
from .journal import Journal, decode_line, verified_lines, writer_of

# 2: summaries by label and the desk's facts; 3: additions keep their text; 4: agreement rows in a file
# of their own (agree.json, read only by `agreement`: they are most of the bytes); 5: each file ends in
# a line with the CRC-32 of the rest (a cache that parsed but had been edited was believed)
CACHE_VERSION = 5
AGREE_FILE = "agree.json"
_ARTICLE_KEY = b'"article":"'
#: a journal read while a store is open (the review screen's) is checked at every look: the same
#: file, not shorter, its last line read still in place; and read whole and compared when it was
#: modified without growing (an edit in place), or at most this often while it grows (QA: a journal
#: edited behind an open review screen went unnoticed; review: comparing it whole at every append
#: cost 54 ms a look on a 37 MB journal, under the engine's lock)
FULL_CHECK_EVERY = 300.0


def _first_difference(a: bytes | bytearray, b: bytes | bytearray, end: int) -> int:
    """The first offset below ``end`` where ``a`` and ``b`` differ (they do), found block by block."""
    step, pos = 1 << 16, 0
    while pos < end:
        stop = min(pos + step, end)
        if memoryview(a)[pos:stop] != memoryview(b)[pos:stop]:
            return next(i for i in range(pos, stop) if a[i] != b[i])
        pos = stop
    return end


def _aids(line: bytes | bytearray) -> list[str]:
    """The article ids a journal line decides on, read from its bytes."""
    out = []
    pos = line.find(_ARTICLE_KEY)
    while pos >= 0:
        start = pos + len(_ARTICLE_KEY)
        end = line.find(b'"', start)
        while end > 0 and line[end - 1] == 0x5C:  # an escaped quote inside the id
            end = line.find(b'"', end + 1)
        raw = line[start:end]
        aid = orjson.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")
        if aid not in out:
            out.append(aid)
        pos = line.find(_ARTICLE_KEY, end)
    return out


class JournalText:
    """One reviewer's journal held in memory: verified lines, indexed by article."""

    def __init__(self, journal: Journal, reviewer: str) -> None:
        self.journal = journal
        self.reviewer = reviewer
        self.data = bytearray()
        self.lines: dict[str, list[int]] = {}  # article -> start offsets of its lines, in order
        self._offsets: list[int] | None = []  # start offset of every line, in order (None: not built yet)
        self.since_prefix: list[str] = []  # articles of the lines after the cached prefix (when used)
        self.records = 0
        self.last_at: str | None = None
        self.changed: StoreDamaged | None = None  # the file no longer holds what was read (see :meth:`watch`)
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file read
        self._mtime: int | None = None  # its modification time and size at the last look
        self._size = 0
        self._verified_at = 0.0  # (monotonic) when it was last compared whole

    def load(self, prefix: dict[str, Any] | None) -> bool:
        """Read and verify the whole journal; ``prefix`` (from the cache) lets the part it covers be
        checked in one CRC. Returns whether the cached prefix was used."""
        journal = self.journal
        mark = journal.read_mark()
        self._stamp()  # before the read: a write in between is verified by the next look
        try:
            data = read_file(journal.path)
        except FileNotFoundError:
            if mark is not None and mark["lines"] > 0:
                raise journal.damaged(f"is missing (its mark records {mark['lines']} lines)") from None
            data = b""
        except OSError as err:
            raise StoreError(f"cannot read {journal.shown}: {why(err)}") from None
        used = False
        start = 0
        if (
            prefix is not None
            and len(data) >= prefix["size"]
            and zlib.crc32(memoryview(data)[: prefix["size"]]) == prefix["crc"]
        ):
            used = True
            start = prefix["size"]
            journal.size, journal.lines, journal.seq = prefix["size"], prefix["lines"], prefix["seq"]
            journal.last_crc = prefix["last_crc"]
            self.records, self.last_at = prefix["records"], prefix.get("last_at")
            for aid, offsets in prefix["index"].items():
                self.lines[aid] = list(offsets)
            self._offsets = None  # sorted when undo first walks the journal back (not to open a store)
        self.data = bytearray(data)
        self.since_prefix = [aid for _, aid in self._scan(start, final=True)]
        if start == 0:
            self._check_writer()
        if mark is not None:
            if journal.lines < mark["lines"]:
                raise journal.damaged(
                    f"has {journal.lines} complete lines but {mark['lines']} were recorded: it was truncated"
                )
            if journal.lines == mark["lines"] and journal.last_crc != mark["crc"]:
                raise journal.damaged(f"line {journal.lines} is not the line its mark recorded (the file was replaced)")
        journal._mark, journal._mark_checked = mark, True
        return used

    def _check_writer(self) -> None:
        """QA: a journal copied by hand over another reviewer's (without its mark, which would have
        said so) was read as theirs — its first line names whose it is."""
        from .folder import journal_slug

        end = self.data.find(b"\n")
        if end <= 0:
            return
        try:
            who = writer_of(decode_line(bytes(self.data[:end]))[1])
        except ValueError:
            return  # (the scan names a damaged line)
        if who is not None and journal_slug(who) != self.journal.path.stem:
            raise self.journal.damaged(
                f"line 1 was written by reviewer '{clean_line(who, 64)}', whose journal this is not "
                "(a journal copied over another's?)"
            )

    def _scan(self, start: int, *, final: bool) -> list[tuple[int, str]]:
        """Verify and index lines from byte ``start``; returns the new (offset, article) pairs."""
        new: list[tuple[int, str]] = []
        for pos, raw in verified_lines(self.journal, self.data, start, final=final):
            self.records += raw.count(b'["decisions",')
            if self._offsets is not None:
                self._offsets.append(pos)
            aids = _aids(raw)
            if not aids:  # a line that decides on no article: not one newsreview wrote (shapes are
                self._check(raw, pos)  # checked when a line is parsed; this one never would be)
            for aid in aids:
                self.lines.setdefault(aid, []).append(pos)
                new.append((pos, aid))
        if new:
            self.last_at = None  # worked out again from the last line when asked
        return new

    def poll(self) -> list[tuple[int, str]]:
        """Lines another process appended since; returns their (offset, article). Reads from the end of
        the last verified line, so a torn tail its writer since cut and wrote again is read afresh.
        A journal whose lines already read changed behind the store (:meth:`watch`) is read no further."""
        known = self.journal.size
        data = self.watch()
        if self.changed is not None:
            return []
        if data is None:
            try:
                more = read_file(self.journal.path, known)
            except FileNotFoundError:
                return []
            except OSError as err:
                raise StoreError(f"cannot read {self.journal.shown}: {why(err)}") from None
        else:
            more = data[known:]
        if more == self.data[known:]:
            return []
        del self.data[known:]
        self.data += more
        return self._scan(known, final=False)

    def watch(self) -> bytes | None:
        """Check, cheaply, that the file still holds the lines read from it (see
        :data:`FULL_CHECK_EVERY`). Returns the file's bytes when it read them whole, else None; a
        journal changed behind the store sets :attr:`changed` (for good: it is read no further)."""
        if self.changed is not None:
            return None
        known = self.journal.size
        try:
            st = os.stat(self.journal.path)
        except FileNotFoundError:
            if known:
                self._behind("it was removed")
            return None
        except OSError as err:
            raise StoreError(f"cannot read {self.journal.shown}: {why(err)}") from None
        if self._identity is None:
            self._identity = (st.st_dev, st.st_ino)
        elif (st.st_dev, st.st_ino) != self._identity:
            self._behind("another file is at its path (it was replaced)")
            return None
        if st.st_size < known:
            self._cut(st.st_size, known)
            return None
        if st.st_mtime_ns == self._mtime:
            return None
        grew = st.st_size > self._size
        self._mtime, self._size = st.st_mtime_ns, st.st_size
        now = time.monotonic()
        if grew and now - self._verified_at < FULL_CHECK_EVERY:
            self._check_last_line(known)  # appended to, as journals are: its last line read still in place
            return None
        self._verified_at = now
        try:
            data = read_file(self.journal.path)
        except FileNotFoundError:
            return None  # (the next look says it is gone)
        except OSError as err:
            raise StoreError(f"cannot read {self.journal.shown}: {why(err)}") from None
        if len(data) < known:
            self._cut(len(data), known)
            return None
        if memoryview(data)[:known] != memoryview(self.data)[:known]:
            line = self.data.count(b"\n", 0, _first_difference(data, self.data, known)) + 1
            self._behind(f"its line {line} is not what was read from it")
            return None
        return data

    def _check_last_line(self, known: int) -> None:
        """The last line read, read again where it was (cheap): an edit that changed a length moves it."""
        if not known:
            return
        start = self.data.rfind(b"\n", 0, known - 1) + 1
        try:
            there = read_file(self.journal.path, start, limit=known - start)
        except OSError:
            return  # (the next look says why)
        if there != self.data[start:known]:
            line = self.data.count(b"\n", 0, start) + 1
            self._behind(f"its line {line}, the last read, is not what was read from it")

    def _stamp(self) -> None:
        with contextlib.suppress(OSError):
            st = os.stat(self.journal.path)
            self._identity, self._mtime, self._size = (st.st_dev, st.st_ino), st.st_mtime_ns, st.st_size
        self._verified_at = time.monotonic()

    def _cut(self, size: int, known: int) -> None:
        self._behind(f"it is {size:,} bytes long, shorter than the {known:,} read from it: it was cut")

    def _behind(self, what: str) -> None:
        then = (
            "it is this process's own journal: nothing more can be saved to it"
            if self.journal.writable
            else "what was read of it stays on screen and nothing more is read from it; your own decisions are still saved"
        )
        self.changed = StoreDamaged(
            f"{self.journal.shown} changed while the store was open: {what} (edited, cut or restored from a "
            f"backup behind it?). {then[0].upper()}{then[1:]}. Close the store, then run 'newsreview doctor'"
        )

    def appended(self, line: bytes, aids: list[str]) -> None:
        """This process appended ``line`` (already durable) to its own journal."""
        start = self.journal.size - len(line)
        del self.data[start:]  # a torn tail a crash left was truncated from the file before the append
        self.data += line
        if self._offsets is not None:
            self._offsets.append(start)
        for aid in aids:
            self.lines.setdefault(aid, []).append(start)
        self.records += line.count(b'["decisions",')
        self.last_at = None

    def parse(self, offset: int) -> list[dict[str, Any]]:
        end = self.data.find(b"\n", offset)
        ops = self._check(bytes(self.data[offset:end]), offset)
        return [op[2] for op in ops if op[0] == "decisions"]

    def _check(self, raw: bytes, offset: int) -> list[Any]:
        """The ops of the verified line at ``offset``; damage (records of the wrong shape behind a
        matching checksum) raises StoreDamaged naming the line."""
        try:
            return decode_line(raw)[1]
        except ValueError as err:
            number = self.data.count(b"\n", 0, offset) + 1
            raise self.journal.damaged(f"line {number}: {err}") from None

    def offsets(self) -> list[int]:
        """The start offset of every line, in order."""
        if self._offsets is None:
            self._offsets = sorted({off for offs in self.lines.values() for off in offs})
        return self._offsets

    def latest_at(self) -> str | None:
        size = self.journal.size
        if self.last_at is None and size > 0:
            records = self.parse(self.data.rfind(b"\n", 0, size - 1) + 1)  # the last line
            self.last_at = max((r["at"] for r in records), default=None)
        return self.last_at


class DecisionLog:
    """Every reviewer's journal of one folder store, for the store's lazy folding."""

    def __init__(self, cache_path: Path) -> None:
        self.cache_path = cache_path
        self.texts: dict[str, JournalText] = {}  # journal slug -> text
        self.entries: dict[str, dict[str, Any]] = {}  # article -> cached summary, still valid
        self.dirty: set[str] = set()  # articles that lines newer than the cache touch
        self._agree_token: str | None = None  # names the agree.json written with the cache
        self._agree: dict[str, list[Any]] | None = None  # article -> its agreement rows, once read

    def load(self, journals: dict[str, tuple[Journal, str]]) -> None:
        cache = self._read_cache()
        cached = cache.get("journals", {}) if cache else {}
        stale: set[str] = set()
        for slug, (journal, reviewer) in journals.items():
            text = JournalText(journal, reviewer)
            prefix = cached.get(slug)
            if prefix is not None and text.load(prefix):
                stale.update(text.since_prefix)
            else:  # no cache of it, or it was rewritten (doctor): its articles are summarised afresh
                if prefix is None:
                    text.load(None)
                else:  # and those it touched before: a journal made shorter no longer holds them
                    stale |= set(prefix.get("index", {}))
                stale |= set(text.lines)
            self.texts[slug] = text
        for slug in set(cached) - set(journals):  # a journal the cache knew is gone (doctor recorded it lost)
            stale |= set(cached[slug].get("index", {}))
        if cache:
            self.entries = {aid: e for aid, e in cache.get("articles", {}).items() if aid not in stale}
            self._agree_token = cache.get("agree")
        self.dirty = stale

    def add(self, slug: str, journal: Journal, reviewer: str) -> JournalText:
        """A journal that appeared since the store was opened (a reviewer's first decision)."""
        text = JournalText(journal, reviewer)
        text.load(None)
        self.texts[slug] = text
        self.dirty |= set(text.lines)
        return text

    def _read_cache(self) -> dict[str, Any] | None:
        try:
            cache = unsealed(read_file(self.cache_path))
        except OSError:
            return None
        if not isinstance(cache, dict) or cache.get("v") != CACHE_VERSION:
            return None
        return cache

    def agree(self, aid: str) -> list[Any] | None:
        """The cached agreement rows of an article whose entry is valid, or None (then fold it)."""
        if self._agree is None:
            self._agree = {}
            try:
                data = unsealed(read_file(self.cache_path.with_name(AGREE_FILE)))
            except OSError:
                return None
            if isinstance(data, dict) and self._agree_token is not None and data.get("token") == self._agree_token:
                self._agree = data.get("articles") or {}
        return self._agree.get(aid) if aid in self.entries else None

    def save(self, entries: dict[str, dict[str, Any]]) -> None:
        """Write the cache for the journals as read now (best effort: it is derived data). The agreement
        rows go to a file of their own, written first; the summaries name it by a token."""
        journals = {}
        for slug, text in self.texts.items():
            j = text.journal
            if j.size == 0:
                continue
            journals[slug] = {
                "size": j.size,
                "crc": zlib.crc32(memoryview(text.data)[: j.size]),
                "lines": j.lines,
                "seq": j.seq,
                "last_crc": j.last_crc,
                "records": text.records,
                "last_at": text.latest_at(),
                "index": text.lines,
            }
        token = uuid.uuid4().hex
        agree = {}
        for aid, e in entries.items():
            rows = e["agree"] if "agree" in e else self.agree(aid)  # a summary kept from the last cache
            if rows is not None:
                agree[aid] = rows
        summaries = {aid: {k: v for k, v in e.items() if k != "agree"} for aid, e in entries.items()}
        data = {"v": CACHE_VERSION, "journals": journals, "articles": summaries, "agree": token}
        with contextlib.suppress(StoreError, OSError):
            make_folder(self.cache_path.parent, exist_ok=True)
            agree_doc = {"v": CACHE_VERSION, "token": token, "articles": agree}
            atomic_write(self.cache_path.with_name(AGREE_FILE), sealed(agree_doc), durable=False)
            atomic_write(self.cache_path, sealed(data), durable=False)

    def touched(self) -> dict[str, set[str]]:
        """article -> reviewers with decisions on it."""
        out: dict[str, set[str]] = {}
        for text in self.texts.values():
            for aid in text.lines:
                out.setdefault(aid, set()).add(text.reviewer)
        return out

    def records(self, aid: str) -> list[dict[str, Any]]:
        """Every decision on one article: each reviewer's in their order."""
        out: list[dict[str, Any]] = []
        for text in self.texts.values():
            for offset in text.lines.get(aid, ()):
                out += [r for r in text.parse(offset) if r["article"] == aid]
        return out

    def recent(self, slug: str) -> Iterator[dict[str, Any]]:
        """One reviewer's records, newest first."""
        text = self.texts.get(slug)
        if text is None:
            return
        for offset in reversed(text.offsets()):
            yield from reversed(text.parse(offset))

    def stats(self) -> dict[str, tuple[int, str | None]]:
        """reviewer -> (decision records, the time of the latest)."""
        return {t.reviewer: (t.records, t.latest_at()) for t in self.texts.values() if t.records}

    def shown(self, slug: str) -> str:
        return clean_line(self.texts[slug].journal.path)
