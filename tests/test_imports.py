"""Architecture rules, checked in fresh interpreters: what each layer may import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support import ROOT

HEAVY = ("textual", "spacy")


def loaded_after(code: str) -> set[str]:
    """Top-level modules loaded after running ``code`` in a fresh interpreter (read from a marked last
    line, so that what the code prints — help texts mention spaCy — is not taken for module names)."""
    probe = f"{code}\nimport sys\nprint('\\nMODULES:', ' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    line = next(x for x in reversed(out.stdout.splitlines()) if x.startswith("MODULES:"))
    return set(line.split()[1:])


@pytest.mark.parametrize(
    "module",
    [
        "extractors.records",
        "extractors.loaders",
        "extractors.pipeline",
        "extractors.nlp",
        "extractors.claims",
        "extractors.strict_json",
        "extractors.groups",
    ],
)
def test_extractors_never_import_textual_or_the_store(module):
    mods = loaded_after(f"import {module}")
    assert "textual" not in mods
    assert not any(m.startswith("tui") for m in mods)


@pytest.mark.parametrize(
    "module",
    [
        "tui.store",
        "tui.export",
        "tui.decisions",
        "tui.status",
        "tui.cli",
        "tui.lifecycle",
        "tui.output",
        "tui.ingest",
        "tui.agreement",
        "tui.formats",
        "tui.store.doctor",
    ],
)
def test_store_export_and_cli_never_import_textual_or_spacy(module):
    mods = loaded_after(f"import {module}")
    assert not set(HEAVY) & mods, set(HEAVY) & mods


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["export", "--help"], ["apply", "--help"]])
def test_light_commands_never_import_spacy_or_textual(args):
    code = (
        f"import sys\nfrom tui import lifecycle as cli\nsys.argv = ['newsreview', *{args!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    assert done.code in (0, None), done.code"
    )
    mods = loaded_after(code)
    assert not set(HEAVY) & mods


def test_status_and_export_on_a_real_store_never_import_spacy(filled_store):
    path, _ = filled_store
    for command in ("status", "export"):
        code = (
            f"import sys\nfrom tui import lifecycle as cli\nsys.argv = ['newsreview', {command!r}, '--store', {str(path)!r}]\n"
            "import io, contextlib\nbuf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n    try:\n        cli.main()\n    except SystemExit as done:\n"
            "        assert done.code in (0, None), done.code"
        )
        assert not set(HEAVY) & loaded_after(code), command
