"""The command line starts fast: `intake --help` and `intake schemes` load no document reader, OCR,
numeric or web stack; each command's module is imported only when that command runs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import cli as cli_package
from cli import COMMANDS, cli

HEAVY = {
    "numpy",
    "pdfplumber",
    "pypdfium2",
    "pdfminer",
    "rapidocr_onnxruntime",
    "rapidocr",
    "onnxruntime",
    "cv2",
    "PIL",
    "docx",
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "jieba",
    "extractors.read",
}


def imported_by(*args: str) -> set[str]:
    code = (
        "import sys, cli; rc = cli.main(sys.argv[1:]); "
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(done.stderr.split())


def heavy_in(modules: set[str]) -> set[str]:
    return {m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")}


@pytest.mark.parametrize("args", [["--help"], ["schemes"], ["schemes", "--json"], ["queue", "--help"]])
def test_light_commands_import_no_heavy_stack(args):
    assert heavy_in(imported_by(*args)) == set()


def test_help_needs_not_even_click():
    assert "click" not in imported_by("--help")


def test_a_command_module_is_imported_when_its_command_is_asked_for():
    assert "cli.extract" not in imported_by("schemes")
    assert {"cli.extract", "intake.reading.pipeline"} <= imported_by("extract", "--help")


def test_the_fast_help_is_what_click_writes():
    for width in (80, 60):
        fast = subprocess.run(
            [sys.executable, "-m", "cli", "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": str(width)},
            timeout=60,
        ).stdout
        full = CliRunner().invoke(cli, ["--help"], prog_name="intake", terminal_width=width - 2).output
        assert fast == full and "schemes" in fast


def test_every_listed_command_exists_with_the_help_it_is_listed_with():
    for name, (module, line) in COMMANDS.items():
        group = click.Group()
        importlib.import_module(module).register(group)
        assert name in group.commands, f"{module} does not define {name}"
        own = " ".join((group.commands[name].help or "").split())
        assert own.startswith(line.rstrip(" .…")), (name, line, own)


def test_every_command_a_module_defines_is_listed():
    for module in {m for m, _ in COMMANDS.values()}:
        group = click.Group()
        importlib.import_module(module).register(group)
        assert set(group.commands) <= set(COMMANDS), module


def test_unknown_command_is_refused_clearly():
    r = CliRunner().invoke(cli, ["frobnicate"], prog_name="intake")
    assert r.exit_code == 2 and "frobnicate" in r.output
    assert cli_package.main(["--help"]) == 0
