"""The shape of the code: no import cycles in src/backcare (counting the imports inside
functions, which is how cli.py and cli_diary.py used to lean on each other's helpers), the
CLI package's modules importable one at a time, and front ends that reach the diary only
through the service."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "backcare"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines inside `if TYPE_CHECKING:` blocks: those imports never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                for sub in ast.walk(child):
                    if hasattr(sub, "lineno"):
                        lines.add(sub.lineno)
    return lines


def imports_of(name: str) -> set[str]:
    """The backcare modules a module imports, at import time or inside a function."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        out.update(t for t in targets if t in MODULES and t != name)
    return out


def cycles() -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    graph = {m: imports_of(m) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in graph:
        if m not in index:
            visit(m)
    return found


def test_the_graph_sees_the_cli_modules() -> None:
    assert "backcare.cli.common" in imports_of("backcare.cli.diary")
    assert "backcare.service.diary" in imports_of("backcare.cli.diary")


def test_no_import_cycles_anywhere_in_src() -> None:
    assert cycles() == []


def test_no_import_cycles_in_the_cli_package() -> None:
    cli = [c for c in cycles() if any(m.startswith("backcare.cli") for m in c)]
    assert cli == []


SHARED_CLI = {"backcare.cli.common", "backcare.cli.plain", "backcare.cli.streams"}


def test_the_cli_modules_import_nothing_of_each_other_but_the_shared_ones() -> None:
    for name in MODULES:
        if name.startswith("backcare.cli.") and name not in ("backcare.cli.main",):
            others = {m for m in imports_of(name) if m.startswith("backcare.cli")}
            assert others <= SHARED_CLI, (name, others)
    # the shared modules sit below the commands: plain imports none, streams only plain
    assert {m for m in imports_of("backcare.cli.plain") if m.startswith("backcare.cli")} == set()
    streams = {m for m in imports_of("backcare.cli.streams") if m.startswith("backcare.cli")}
    assert streams <= {"backcare.cli.plain"}


def test_the_json_line_modes_load_no_typer() -> None:
    code = (
        "import io, sys\n"
        "sys.argv = ['backcare', 'triage', '--json', '-']\n"
        "sys.stdin = io.StringIO('my back went lifting a box\\n')\n"
        "from backcare.cli import main\n"
        "main()\n"
        "print('typer' in sys.modules, 'click' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "BACKCARE_SEMANTIC": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert '"disposition"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False False"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("backcare.cli")))
def test_each_cli_module_imports_alone(name: str) -> None:
    r = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_front_ends_reach_the_diary_only_through_the_service() -> None:
    front = [m for m in MODULES if m.startswith(("backcare.cli", "backcare.web.pages",
                                                 "backcare.web.api"))]  # fmt: skip
    for name in front:
        reached = imports_of(name)
        assert "backcare.store.repo" not in reached, name
        assert "backcare.web.api" not in reached or name == "backcare.web.api", name
