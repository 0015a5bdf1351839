"""The review screen's memory as an analyst's session goes on: the real program in a pseudo-terminal,
article after article.

A store of news articles — PolNeAR train texts added with ``newsreview add`` (entities and claims as
the pipeline extracts them; ``--source polnear``, the default), or CoNLL++ dev documents with their gold
entities as the candidates (``--source conll``, no spaCy run, short texts) — is opened with ``newsreview``; once the first screen is up its resident memory (VmRSS) is the
baseline; then, for each article, ``a`` (an accept, written and folded) and ``n`` (the next article),
paced like fast keys; the memory after every 25 articles is printed, and the last line gives the
growth per article and the ratio to the baseline. Desks run several copies on one server: what
stays per article opened is what adds up. ``--dialogs K`` opens and closes, on each article, K times
the article queue (``l``), the help (``?``) and the edit dialog (``e``): what a session of
dialogs leaves behind (Textual kept every closed widget's footer keys and painted lines: tui/app/leaks.py).

    python bench/memory_bench.py --data ../shared/data --articles 150
    python bench/memory_bench.py --data ../shared/data --source conll --articles 150 --dialogs 2 \
        --code /path/to/an/older/checkout   # A/B
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from conll import TO_SPACY, read_conll

from extractors.pipeline import Extraction
from extractors.records import Article, entity_candidate


def added_store(folder: Path, data: Path, n: int) -> int:
    texts = sorted((data / "polnear" / "train" / "text").glob("*.txt"))[:n]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "tui", "add", *map(str, texts), "--store", str(folder)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return len(texts)


def build_store(folder: Path, data: Path, n: int) -> int:
    from tui.store import ReviewStore

    docs = read_conll(data / "conllpp" / "conllpp_dev.txt")[:n]
    with ReviewStore.open(folder, write=True, reviewer="bench") as st:
        for i, doc in enumerate(docs):
            art = Article(text=doc.text, title=f"CoNLL++ dev {i + 1}")
            tokens, at = [], 0
            for word in doc.text.replace("\n", " ").split(" "):
                if word:
                    tokens.append((at, at + len(word)))
                at += len(word) + 1
            ents = [
                entity_candidate(doc.text, art.id, s, e, TO_SPACY[cls][0], token_start=0, token_end=1, model="gold")
                for s, e, cls in doc.entities
            ]
            st.add_article(Extraction(art, ents, [], tokens))
    return len(docs)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.out = bytearray()

    def pump(self, seconds: float, until: bytes | None = None) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return False
                self.out.extend(chunk)
                if len(self.out) > 1 << 20:
                    del self.out[: len(self.out) - (1 << 16)]
                if until is not None and until in self.out:
                    return True
            elif self.proc.poll() is not None:
                return False
        return until is None

    def keys(self, data: bytes, pause: float) -> None:
        os.write(self.master, data)
        self.pump(pause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--source", choices=("polnear", "conll"), default="polnear")
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--pause", type=float, default=0.12, help="seconds after each key")
    parser.add_argument("--dialogs", type=int, default=0, help="queue, help and editor opened and closed per article")
    parser.add_argument("--code", type=Path, default=ROOT, help="the newsreview checkout to run (A/B against another)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsreview-memory-") as tmp:
        store = Path(tmp) / "store"
        n = (added_store if args.source == "polnear" else build_store)(store, args.data, args.articles)
        env = {
            **os.environ,
            "PYTHONPATH": str(args.code),
            "NEWSREVIEW_CONFIG_DIR": str(Path(tmp) / "cfg"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }
        term = Terminal([sys.executable, "-m", "tui", "--store", str(store), "--reviewer", "bench"], env)
        try:
            if not term.pump(60, until=b"decided here"):
                raise SystemExit("the review screen did not come up")
            term.pump(2.0)  # the start-up's background reads settle
            base = rss_mb(term.proc.pid)
            print(f"first screen: {base:.1f} MB", flush=True)
            for i in range(1, n):
                for _ in range(args.dialogs):
                    for key in (b"l", b"?", b"e"):
                        term.keys(key, args.pause)
                        term.keys(b"\x1b", args.pause)
                term.keys(b"a", args.pause)
                term.keys(b"n", args.pause)
                if i % 25 == 0:
                    print(f"after {i} articles: {rss_mb(term.proc.pid):.1f} MB", flush=True)
            term.pump(3.0)  # an idle moment: the collector runs
            end = rss_mb(term.proc.pid)
            term.keys(b"q", 0.5)
            term.pump(10)
        finally:
            if term.proc.poll() is None:
                term.proc.kill()
            term.proc.wait()
    per = (end - base) * 1024 / max(1, n - 1)
    print(
        f"source={args.source} articles={n} dialogs={args.dialogs} rss_first_mb={base:.1f} rss_end_mb={end:.1f} per_article_kb={per:.0f} ratio={end / base:.2f}"
    )


if __name__ == "__main__":
    main()
