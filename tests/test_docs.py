"""The documentation runs, so it cannot drift (sqlite-utils' test_docs.py idea).

- Every command has a page: a heading of a page in docs/ names `intake X` for every command in
  `cli.COMMANDS`, and no heading names a command that does not exist; `intake --help` lists them.
- Every documented invocation (`intake …` in a code block or an inline code span, in README.md
  and docs/*.md) uses a command, subcommand and options the CLI has.
- Examples marked `<!-- doctest: NAME=SOURCE … exit=N -->` on the line above their code block
  are run: each `$ intake …` line (or `$ printf '…' | intake …`) runs in a temporary directory
  holding the files the marker names, generated here (`corpus:DOC` from tests/corpus/documents.py
  in the name's format, `scan:licence` from tests/ocr_scans.py, or a JSON text). Documented JSON
  output must be a subset of the real one (keys, strings and booleans equal; numbers only numbers;
  anything with `…` elided); documented text output lines must each be a line of the real output.
- The documented exit codes hold in the documented situations; every documented `INTAKE_*`
  variable is read by the code; every documented repository path, Python module and name, and
  every relative link (and its #anchor) exists.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *PAGES]}
CODE_DIRS = ("extractors", "checklists", "forms", "intake", "web", "cli", "benchmarks", "scripts")


def page(name: str) -> str:
    return TEXTS[name]


# -- reading the pages -----------------------------------------------------------------------


@dataclass
class Block:
    page: str
    line: int
    lang: str
    lines: list[str]
    marker: str | None  # the doctest marker's arguments, when the block has one


def blocks(name: str) -> list[Block]:
    out, lines = [], page(name).split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        above = lines[start - 1] if start else ""
        marker = re.match(r"^<!-- doctest:(.*)-->\s*$", above)
        out.append(Block(name, start + 1, m.group(1), body, marker.group(1).strip() if marker else None))
        i += 1
    return out


def outside_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def headings(text: str) -> list[str]:
    return re.findall(r"^#{1,6} (.+)$", outside_code(text), flags=re.M)


def inline_code(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", outside_code(text))


# -- commands and options ------------------------------------------------------------------------


def documented_commands() -> dict[str, str]:
    """command -> the page whose heading names it (`intake X`, H1 or H2)."""
    found: dict[str, str] = {}
    for p in PAGES:
        for h in re.findall(r"^#{1,2} (.+)$", outside_code(page(p.name)), flags=re.M):
            for cmd in re.findall(r"`intake ([a-z]+)`", h):
                found.setdefault(cmd, p.name)
    return found


def test_every_command_has_a_page_and_every_page_command_exists():
    documented = documented_commands()
    assert set(COMMANDS) - set(documented) == set(), "commands without a docs/ heading naming them"
    assert set(documented) - set(COMMANDS) == set(), "docs/ headings name commands the CLI lacks"


def run(args: list[str], cwd: Path, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "INTAKE_DATA": str(cwd / "var"),
        "COLUMNS": "80",
    }
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout, env=env)


def intake(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "cli", *args], cwd, stdin)


@pytest.mark.slow
def test_help_lists_every_documented_command(tmp_path):
    r = intake("--help", cwd=tmp_path)
    assert r.returncode == 0
    listed = set(re.findall(r"^  ([a-z]+)  ", r.stdout.split("Commands:")[1], flags=re.M))
    assert set(documented_commands()) <= listed
    from click.testing import CliRunner

    from cli.group import cli

    clicks = CliRunner().invoke(cli, ["--help"]).output  # the click group's own listing agrees
    assert set(re.findall(r"^  ([a-z]+)  ", clicks.split("Commands:")[1], flags=re.M)) == listed


# `intake WORD …` at a line's start, after `$ ` or `bin/`, or inside a sentence (then a word that is
# no command is taken for prose: "intake checks the caps"); never the user of `sudo -u intake`
INVOCATION = re.compile(r"(^|\$ |bin/|[\s(=])(?<!-u )intake ([a-z][a-z-]*(?: [^\n]*)?)")


def invocations() -> list[tuple[str, str]]:
    """(where, the words after `intake`, surely a command) for every use in code and inline code."""
    found = []
    for name in TEXTS:
        for b in blocks(name):
            if b.lang in ("python", "json"):
                continue
            text = "\n".join(b.lines).replace("\\\n", " ")
            for k, line in enumerate(text.split("\n")):
                found += [
                    (f"{name}:{b.line + k + 1}", m, prefix in ("", "$ ", "bin/"))
                    for prefix, m in INVOCATION.findall(line)
                ]
        found += [(name, m, prefix == "") for code in inline_code(page(name)) for prefix, m in INVOCATION.findall(code)]
    return found


def _words(rest: str) -> list[str]:
    rest = re.split(r"\s#|\||>>|;", rest)[0]
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()


def test_documented_invocations_use_real_commands_and_options():
    import click

    from cli.group import cli

    ctx = click.Context(cli)
    problems, seen = [], set()
    for where, rest, surely in invocations():
        words = _words(rest)
        if not words or words[0] not in COMMANDS:
            if surely:
                problems.append(f"{where}: `intake {words[0]}` is no command")
            continue
        cmd, path = cli.get_command(ctx, words[0]), [words[0]]
        seen.add(words[0])
        rest_words = words[1:]
        while isinstance(cmd, click.Group):
            sub = next((w for w in rest_words if not w.startswith("-")), None)
            if sub is None or sub in ("...", "…") or re.fullmatch(r"[A-Z_]+", sub):
                break
            if sub not in cmd.commands:
                problems.append(f"{where}: `intake {' '.join(path)} {sub}` is no subcommand")
                break
            cmd, path = cmd.commands[sub], [*path, sub]
            rest_words = rest_words[rest_words.index(sub) + 1 :]
        options = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)} | {"--help", "-h"}
        for w in rest_words:
            opt = re.sub(r"[\]\[]", "", w).split("=")[0]
            if opt.startswith("--") and len(opt) > 2 and opt not in options:
                problems.append(f"{where}: `intake {' '.join(path)}` has no option {opt}")
    assert problems == []
    assert seen == set(COMMANDS), f"commands never shown in use: {set(COMMANDS) - seen}"


# -- the examples that run ---------------------------------------------------------------------


def _source(name: str, spec: str) -> bytes:  # tests/ is on sys.path (conftest.py)
    if spec.startswith("corpus:"):
        from corpus.documents import render

        return render(spec.split(":", 1)[1], Path(name).suffix.lstrip("."))
    if spec.startswith("scan:"):
        import ocr_scans

        return ocr_scans.scanned_pdf(getattr(ocr_scans, spec.split(":", 1)[1])())
    json.loads(spec)  # a literal file's text must be JSON itself
    return spec.encode()


def marked_examples() -> list:
    params = []
    for name in TEXTS:
        for b in blocks(name):
            if b.marker is None:
                continue
            args = shlex.split(b.marker)
            marks = [getattr(pytest.mark, m) for a in args if a.startswith("marks=") for m in a[6:].split(",")]
            params.append(pytest.param(b, id=f"{name}:{b.line}", marks=[pytest.mark.slow, *marks]))
    return params


def commands_of(b: Block) -> list[tuple[str, list[str]]]:
    """(the command line, the documented output lines) for each `$ ` line of a block."""
    out: list[tuple[str, list[str]]] = []
    for line in b.lines:
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return out


def argv_of(command: str) -> tuple[list[str], str]:
    stdin = ""
    if "|" in command:
        feed, command = command.split("|", 1)
        printf = shlex.split(feed)
        assert printf[0] == "printf" and len(printf) == 2, feed
        stdin = printf[1].encode().decode("unicode_escape").encode("latin-1").decode()
    words = shlex.split(command, comments=True)
    if words[0] == "intake":
        return [sys.executable, "-m", "cli", *words[1:]], stdin
    assert words[:2] == ["python", "-m"], command
    return [sys.executable, *words[1:]], stdin


def lenient_json(text: str):
    """The documented JSON with its elisions (`, …`, a lone `…`) taken out."""
    text = re.sub(r",\s*…(?=\s*[\]}])", "", text)
    text = re.sub(r"(?<=[\[{])\s*…\s*,?", "", text)
    return json.loads(text)


def matches(doc, actual, path: str = "$") -> list[str]:
    if isinstance(doc, dict):
        if not isinstance(actual, dict):
            return [f"{path}: documented an object, got {type(actual).__name__}"]
        return [
            e
            for k, v in doc.items()
            for e in (
                [f"{path}.{k}: documented, not in the output"]
                if k not in actual
                else matches(v, actual[k], f"{path}.{k}")
            )
        ]
    if isinstance(doc, list):
        if not isinstance(actual, list):
            return [f"{path}: documented a list, got {type(actual).__name__}"]
        errors = []
        for i, d in enumerate(doc):
            key = next((k for k in ("id", "file", "key") if isinstance(d, dict) and k in d), None)
            candidates = [a for a in actual if not key or (isinstance(a, dict) and a.get(key) == d[key])]
            if not any(not matches(d, a) for a in candidates):
                best = (
                    matches(d, candidates[0], f"{path}[{i}]") if candidates else [f"{path}[{i}]: no {key} {d[key]!r}"]
                )
                errors += best
        return errors
    if isinstance(doc, str):
        return [] if "…" in doc or doc == actual else [f"{path}: documented {doc!r}, got {actual!r}"]
    if isinstance(doc, bool) or doc is None:
        return [] if doc == actual else [f"{path}: documented {doc!r}, got {actual!r}"]
    return (
        []
        if isinstance(actual, (int, float)) and not isinstance(actual, bool)
        else [f"{path}: documented a number, got {actual!r}"]
    )


def squash(line: str) -> str:
    return " ".join(line.split())


@pytest.mark.parametrize("block", marked_examples())
def test_documented_example_runs(block: Block, tmp_path):
    args = shlex.split(block.marker)
    exit_code = 0
    for a in args:
        name, _, spec = a.partition("=")
        if name == "exit":
            exit_code = int(spec)
        elif name != "marks":
            (tmp_path / name).write_bytes(_source(name, spec))
    examples = commands_of(block)
    assert examples, "a doctest marker on a block without `$ ` lines"
    for command, documented in examples:
        argv, stdin = argv_of(command)
        r = run(argv, tmp_path, stdin)
        assert r.returncode == exit_code, (command, r.stderr[-2000:])
        shown = "\n".join(documented).strip()
        if not shown:
            continue
        if "--json" in argv and shown.startswith(("[", "{")):
            problems = matches(lenient_json(shown), json.loads(r.stdout))
        else:
            real = {squash(line) for line in r.stdout.split("\n")}
            problems = [
                f"not in the output: {line}" for line in documented if line.strip() and squash(line) not in real
            ]
        assert problems == [], f"{block.page}:{block.line} `{command}`"


def test_the_runnable_examples_cover_the_commands_the_brief_names():
    marked = {squash(c).split(" --")[0] for n in TEXTS for b in blocks(n) if b.marker for c, _ in commands_of(b)}
    for needed in ("intake extract", "intake schemes", "intake check", "intake chat"):
        assert any(c.startswith(needed) or f"| {needed}" in c for c in marked), needed


# -- schemes, exit codes -------------------------------------------------------------------------


@pytest.mark.slow
def test_schemes_json_has_the_documented_keys_and_ids(tmp_path):
    line = next(x for b in blocks("check.md") for x in b.lines if x.startswith("intake schemes --json"))
    keys = re.findall(r'"(\w+)"', line.split("#", 1)[1])
    assert keys == ["id", "name", "source", "levels"]
    ids = re.findall(r"^\| `(\w+)` \|", page("form.md"), flags=re.M)  # the table of the five forms
    r = intake("schemes", "--json", cwd=tmp_path)
    assert r.returncode == 0
    schemes = json.loads(r.stdout)
    assert all(set(keys) <= set(s) for s in schemes)
    assert sorted(s["id"] for s in schemes) == sorted(ids) and len(ids) == 5


def _files(tmp: Path) -> None:
    from corpus.documents import render

    (tmp / "qms.pdf").write_bytes(render("qms_prose", "pdf"))
    (tmp / "bad.json").write_text("{not json")
    (tmp / "unknown-key.json").write_text('{"no_such_fact": 1}')


# (page, the documented words, argv, exit code): the words must be on the page and the code must hold
EXIT_CODES = [
    ("extract.md", "`0` every file was read", ["extract", "qms.pdf"], 0),
    ("extract.md", "`3` some file could not be read", ["extract", "qms.pdf", "missing.pdf"], 3),
    ("extract.md", "`2` bad arguments (no FILE)", ["extract"], 2),
    ("check.md", "Exit codes: 0 whatever the verdict", ["check", "--scheme", "jinzhi", "qms.pdf"], 0),
    ("check.md", "2 bad arguments (unknown scheme", ["check", "--scheme", "no-such-scheme", "qms.pdf"], 2),
    ("check.md", "a facts file that is not JSON", ["check", "--scheme", "jinzhi", "--facts", "bad.json", "qms.pdf"], 2),
    (
        "check.md",
        "or\nhas a wrong key/value",
        ["check", "--scheme", "jinzhi", "--facts", "unknown-key.json", "qms.pdf"],
        2,
    ),
    (
        "check.md",
        "a date that is not `YYYY-MM-DD`",
        ["check", "--scheme", "jinzhi", "--as-of", "2024-13-45", "qms.pdf"],
        2,
    ),
    (
        "check.md",
        "an unknown `--explain` item",
        ["check", "--scheme", "jinzhi", "--explain", "jinzhi.99", "qms.pdf"],
        2,
    ),
    ("check.md", "3 some file\ncould not be read", ["check", "--scheme", "jinzhi", "qms.pdf", "missing.pdf"], 3),
    ("form.md", "Exit codes: 0 written", ["form", "--scheme", "jinzhi", "--out", "blank.docx"], 0),
    ("form.md", "2 bad arguments (unknown scheme", ["form", "--scheme", "no-such-scheme", "--out", "a.docx"], 2),
    ("form.md", "`--out` not .docx", ["form", "--scheme", "jinzhi", "--out", "a.pdf"], 2),
    ("form.md", "3 some file could not be read", ["form", "--scheme", "jinzhi", "missing.pdf", "--out", "a.docx"], 3),
    (
        "comments.md",
        "2 bad arguments (unknown decision",
        ["comments", "dispose", "--draft", "1", "1", "--decision", "随便", "--by", "王伟"],
        2,
    ),
    (
        "comments.md",
        "3 some file could not be\nread or is not a comment sheet",
        ["comments", "parse", "qms.pdf", "--json"],
        3,
    ),
    ("chat.md", "2 (unknown scheme", ["chat", "--scheme", "no-such-scheme"], 2),
    ("chat.md", "3 (a FILE could not be read", ["chat", "--scheme", "jinzhi", "missing.pdf"], 3),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, words, argv, code", EXIT_CODES, ids=[f"{n}:{' '.join(a[:2])}:{c}" for n, _, a, c in EXIT_CODES]
)
def test_documented_exit_codes_hold(name, words, argv, code, tmp_path):
    assert squash(words) in squash(page(name)), f"{name} no longer says {words!r}: update this table"
    _files(tmp_path)
    r = intake(*argv, cwd=tmp_path)
    assert r.returncode == code, r.stderr[-2000:]
    if code == 3:  # the unreadable file is named, in Chinese
        bad = "missing.pdf" if "missing.pdf" in argv else "qms.pdf"
        assert bad in r.stdout + r.stderr


# -- variables, paths, names, links ---------------------------------------------------------------


def code_text() -> str:
    files = [f for d in CODE_DIRS for f in (ROOT / d).rglob("*") if f.suffix in (".py", ".yaml", ".sh", ".html")]
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in [*files, ROOT / "Makefile"])


def test_every_documented_environment_variable_is_read_by_the_code():
    documented = {v for t in TEXTS.values() for v in re.findall(r"\bINTAKE_[A-Z0-9_]*[A-Z0-9]\b", t)}
    assert len(documented) >= 20
    code = code_text()
    assert sorted(v for v in documented if not re.search(rf"\b{v}\b", code)) == []


def test_every_variable_the_configuration_reads_is_documented():
    config = (ROOT / "intake" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\bINTAKE_[A-Z0-9_]*[A-Z0-9]\b", config))
    docs = "\n".join(TEXTS.values())
    assert read and sorted(v for v in read if v not in docs) == []


TOP = ("extractors/", "checklists/", "forms/", "intake/", "web/", "cli/", "tests/", "benchmarks/", "scripts/", "docs/")


def documented_paths() -> set[str]:
    found = set()
    for t in TEXTS.values():
        for code in [*inline_code(t), *re.findall(r"\]\(([^)#\s]+)", t)]:
            for w in re.split(r"[\s,;()]+", code):
                w = w.strip(".:`'\"")
                if w.startswith(TOP):
                    found.add(w)
    return found


def _exists(path: str) -> bool:
    ignored = [g for g in (ROOT / ".gitignore").read_text().split() if g.endswith("/")]
    if any(path.startswith(g) for g in ignored):  # made when the tests or benchmarks run
        return True
    pattern = re.sub(r"<[^>]+>", "*", path).split(":")[0]
    if any(ROOT.glob(pattern)) or (ROOT / pattern).exists():
        return True
    stem = re.match(r"^([\w/]+)\.\w+$", pattern)  # `web/factsform.fields_for`: a name in a module
    return bool(stem) and (ROOT / f"{stem.group(1)}.py").exists()


def test_every_documented_path_exists():
    paths = documented_paths()
    assert len(paths) >= 40
    assert sorted(p for p in paths if not _exists(p)) == []


PACKAGES = ("extractors", "checklists", "forms", "intake", "web", "cli", "benchmarks", "tests")
DOTTED = re.compile(r"(?<![\w/.])((?:" + "|".join(PACKAGES) + r")(?:\.\w+)+)")
FILE_SUFFIX = re.compile(r"\.(db|py|yaml|md|json|docx|pdf|txt|csv|html|svg|key)$")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(name)
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def documented_python_names() -> set[str]:
    names = set()
    for name, t in TEXTS.items():
        for code in inline_code(t):
            for m in DOTTED.findall(code):
                if not FILE_SUFFIX.search(m):
                    names.add(m)
        for m in re.findall(r"python -m ([\w.]+)", t):
            names.add(m)
        for b in blocks(name):
            if b.lang != "python":
                continue
            for line in b.lines:
                if m := re.match(r"\s*from ([\w.]+) import (.+)", line):
                    names.update(f"{m.group(1)}.{n.split(' as ')[0].strip()}" for n in m.group(2).split(","))
                elif m := re.match(r"\s*import ([\w.]+)", line):
                    names.add(m.group(1))
    return names


def test_every_documented_python_module_and_name_exists():
    if str(ROOT) not in sys.path:  # `python -m tests.corpus_real.score`, `benchmarks.…`
        sys.path.insert(0, str(ROOT))
    names = documented_python_names()
    assert len(names) >= 30
    code = code_text()  # a logger's name is a name too
    assert sorted(n for n in names if not _resolves(n) and f'"{n}"' not in code) == []


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return s.replace(" ", "-")


def test_every_relative_link_and_anchor_resolves():
    problems, count = [], 0
    for name, t in TEXTS.items():
        base = ROOT if name == "README.md" else ROOT / "docs"
        for target in re.findall(r"\]\(([^)\s]+)\)", outside_code(t)):
            if re.match(r"^[a-z]+:", target):
                continue
            count += 1
            file, _, anchor = target.partition("#")
            path = (base / file) if file else base / name
            if not path.exists():
                problems.append(f"{name}: {target}")
            elif (
                anchor
                and path.suffix == ".md"
                and anchor not in {slug(h) for h in headings(path.read_text(encoding="utf-8"))}
            ):
                problems.append(f"{name}: {target} (no such heading)")
    assert count >= 10 and problems == []
