"""The shape of `console/`: long functions, long modules and import cycles, held by a ratchet.

The measurement (walked with `ast`, nothing imported):

- a function or method is too long when it spans more than 80 lines, counted from its `def` line to
  its last line (decorators excluded); nested functions count on their own, and their lines also
  count towards the function around them;
- a module is too long when it has more than 500 lines;
- an import cycle is a set of console modules that import each other at module level (imports inside
  functions and under `if TYPE_CHECKING:` do not run at import time and do not count;
  `from console.x import y` is an import of `console.x.y` when that is a module, else of `console.x`);
- a deferred import cycle is the same with the imports inside functions counted too: a circle that only
  works because one side imports late (the kind `catalog/demo.py` <-> `compliance/demo.py` <-> `seed.py`
  was), reported separately.

Import cycles of both kinds are not allowed at all: the test fails on any, with no list to excuse one (what two
modules share goes into a third that both import, e.g. `bench_common.py`, `ads/checks_base.py`).

`tests/code_shape_known.py` lists today's long functions and modules with their sizes. The list may only shrink:
the test fails when an offender appears that is not listed, when a listed one grows, and when a listed one is
fixed (or gone) but still listed. Print the current table with `python3 -m tests.test_code_shape`
(`--known` prints it in the form of `code_shape_known.py`).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "console"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 500


@dataclass(frozen=True)
class Shape:
    """What is too big today: `{key: size}` for functions, modules and cycles."""

    functions: dict[str, int]
    modules: dict[str, int]
    cycles: dict[str, int]
    deferred_cycles: dict[str, int]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path = PACKAGE) -> dict[str, tuple[Path, ast.Module, int]]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found[_module_name(path)] = (path, ast.parse(text, filename=str(path)), len(text.splitlines()))
    return found


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            assert child.end_lineno is not None
            yield name, child.end_lineno - child.lineno + 1
            yield from _functions(child, f"{name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST, *, deferred: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (not in functions, not under `if TYPE_CHECKING:`);
    with `deferred`, also those inside functions, which run on the first call."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and not deferred:
            continue
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for orelse in child.orelse:
                yield from _imports(ast.Module(body=[orelse], type_ignores=[]), deferred=deferred)
        else:
            yield from _imports(child, deferred=deferred)


def _imported_modules(name: str, path: Path, tree: ast.Module, known: set[str], *, deferred: bool) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _imports(tree, deferred=deferred):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in known else base)
    return {target for target in targets if target in known and target != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def measure(root: Path = PACKAGE) -> Shape:
    """Measure `root` (the console package) now."""
    sources = _sources(root)
    functions: dict[str, int] = {}
    modules: dict[str, int] = {}
    for path, tree, lines in sources.values():
        relative = path.relative_to(ROOT).as_posix()
        if lines > MAX_MODULE_LINES:
            modules[relative] = lines
        for qualname, size in _functions(tree):
            if size > MAX_FUNCTION_LINES:
                functions[f"{relative}::{qualname}"] = max(size, functions.get(f"{relative}::{qualname}", 0))
    known = set(sources)
    cycles = {}
    for deferred in (False, True):
        graph = {
            name: _imported_modules(name, path, tree, known, deferred=deferred)
            for name, (path, tree, _) in sources.items()
        }
        cycles[deferred] = {" <-> ".join(component): len(component) for component in _cycles(graph)}
    return Shape(functions=functions, modules=modules, cycles=cycles[False], deferred_cycles=cycles[True])


def ratchet_problems(kind: str, now: dict[str, int], known: dict[str, int]) -> list[str]:
    """What breaks the ratchet for one kind: new offenders, grown ones, and fixed ones still listed."""
    problems = []
    for key, size in sorted(now.items()):
        if key not in known:
            problems.append(f"new {kind} over the limit: {key} ({size})")
        elif size > known[key]:
            problems.append(f"{kind} grew: {key} {known[key]} -> {size}")
    for key, size in sorted(known.items()):
        if key not in now:
            problems.append(f"{kind} fixed or gone, remove it from tests/code_shape_known.py: {key} (was {size})")
        elif now[key] < size:
            problems.append(f"{kind} shrank, lower it in tests/code_shape_known.py: {key} {size} -> {now[key]}")
    return problems


def test_code_shape_only_shrinks() -> None:
    from tests import code_shape_known

    shape = measure()
    problems = [
        *ratchet_problems("function", shape.functions, code_shape_known.FUNCTIONS),
        *ratchet_problems("module", shape.modules, code_shape_known.MODULES),
    ]
    assert not problems, "\n".join(problems)


def cycle_problems(shape: Shape) -> list[str]:
    """Every import cycle, module-level or deferred: none is allowed (there is no known list for them)."""
    return [
        *(f"import cycle: {key}" for key in sorted(shape.cycles)),
        *(
            f"deferred import cycle (an import inside a function closes it): {key}"
            for key in sorted(shape.deferred_cycles)
            if key not in shape.cycles
        ),
    ]


def test_no_import_cycles() -> None:
    problems = cycle_problems(measure())
    assert not problems, "\n".join(
        [*problems, "move what the modules share into a module they both import, one way (no late import)"]
    )


def _write_tree(root: Path, files: dict[str, str]) -> Path:
    package = root / "console"
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_measure_finds_long_functions_modules_and_cycles(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    body = "".join(f"    x{i} = {i}\n" for i in range(80))
    package = _write_tree(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from console.b import thing\n\n@decorator\n@other\ndef long():\n" + body,
            "b.py": "from console import c\nthing = 1\n",
            "c.py": "import console.a\n\ndef short():\n    pass\n",
            "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from console.e import y\n"
            + "class K:\n    def method(self):\n"
            + body.replace("    ", "        ")
            + "\n" * 430,
            "e.py": "def late():\n    from console.d import K\n",
            "f.py": "import console.g\n",
            "g.py": "def late():\n    import console.f\n",
            "pkg/__init__.py": "from .sub import z\n",
            "pkg/sub.py": "from . import other\nz = 1\n",
            "pkg/other.py": "from console.pkg import z\n",
        },
    )
    shape = measure(package)
    assert shape.functions == {"console/a.py::long": 81, "console/d.py::K.method": 81}
    assert shape.modules == {"console/d.py": 515}
    assert shape.cycles == {
        "console.a <-> console.b <-> console.c": 3,
        "console.pkg <-> console.pkg.other <-> console.pkg.sub": 3,
    }
    assert shape.deferred_cycles == {**shape.cycles, "console.f <-> console.g": 2}
    assert cycle_problems(shape) == [
        "import cycle: console.a <-> console.b <-> console.c",
        "import cycle: console.pkg <-> console.pkg.other <-> console.pkg.sub",
        "deferred import cycle (an import inside a function closes it): console.f <-> console.g",
    ]
    assert cycle_problems(Shape(functions={}, modules={}, cycles={}, deferred_cycles={})) == []


def test_ratchet_reports_new_grown_fixed_and_shrunk() -> None:
    now = {"a": 90, "b": 100, "new": 81, "d": 85}
    problems = ratchet_problems("function", now, {"a": 90, "b": 95, "c": 120, "d": 99})
    assert problems == [
        "function grew: b 95 -> 100",
        "new function over the limit: new (81)",
        "function fixed or gone, remove it from tests/code_shape_known.py: c (was 120)",
        "function shrank, lower it in tests/code_shape_known.py: d 99 -> 85",
    ]
    assert ratchet_problems("module", {"m": 600}, {"m": 600}) == []


def test_known_text_is_the_known_file_and_turns_e501_off_only_for_long_lines() -> None:
    long_key = "console/x.py::" + "f" * 120
    for functions, noqa in (({}, False), ({"console/a.py::f": 81, long_key: 90}, True)):
        text = _known_text(functions, {"console/m.py": 501})
        namespace: dict[str, object] = {}
        exec(compile(text, "code_shape_known.py", "exec"), namespace)
        assert namespace["FUNCTIONS"] == functions and namespace["MODULES"] == {"console/m.py": 501}
        assert "CYCLES" not in namespace and "DEFERRED_CYCLES" not in namespace
        assert text.startswith("# ruff: noqa: E501\n") is noqa


def _known_text(functions: dict[str, int], modules: dict[str, int]) -> str:
    """The text of `tests/code_shape_known.py` for these offenders (with ruff's E501 off when a line is long)."""
    lines = [
        '"""Known shape offenders in console/ (see tests/test_code_shape.py); this list may only shrink.',
        "",
        "Import cycles have no list here: tests/test_code_shape.py allows none, deferred ones included.",
        '"""',
    ]
    for title, items in (("FUNCTIONS", functions), ("MODULES", modules)):
        lines += ["", f"{title}: dict[str, int] = {{"]
        lines += [f"    {key!r}: {size}," for key, size in sorted(items.items(), key=lambda item: (-item[1], item[0]))]
        lines.append("}")
    if any(len(line) > 120 for line in lines):
        lines.insert(0, "# ruff: noqa: E501")
    return "\n".join(lines) + "\n"


def _print_table(shape: Shape, as_known: bool) -> None:
    sections = (
        ("FUNCTIONS", shape.functions),
        ("MODULES", shape.modules),
        ("CYCLES", shape.cycles),
        ("DEFERRED_CYCLES", shape.deferred_cycles),
    )
    if as_known:  # cycles have no known list: none is allowed
        print(_known_text(shape.functions, shape.modules), end="")
        return
    for title, items in sections:
        longest = max(items.values(), default=0)
        print(f"{title.lower()}: {len(items)} over the limit, largest {longest}")
        for key, size in sorted(items.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {size:5d}  {key}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print the shape of console/ (long functions, modules, cycles).")
    parser.add_argument("--known", action="store_true", help="print in the form of tests/code_shape_known.py")
    _print_table(measure(), parser.parse_args(argv).known)


if __name__ == "__main__":
    main()
