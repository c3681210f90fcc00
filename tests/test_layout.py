"""The package's shape, checked: no import cycle between its modules, and no module reading or writing another
module's underscore names (each module owns its private state; others go through its public names)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "icws_state"


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = ast.parse(path.read_text("utf-8"), str(path))
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The package modules ``module`` imports at run time (function-level imports included)."""
    package = module if (PACKAGE / Path(*module.split(".")[1:]) / "__init__.py").exists() else module.rpartition(".")[0]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(n) for n in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target in known:
                found.add(target)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    found.add(sub)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    found.discard(module)
    return found


def test_no_import_cycle() -> None:
    trees = _modules()
    known = set(trees)
    # The package itself re-exports everything; edges into it from its own modules would be the only cycles.
    graph = {m: _imports(m, t, known) - {"icws_state"} for m, t in trees.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append([*trail[trail.index(n):], n] if n in trail else [m, n])
            elif n not in state:
                visit(n, [*trail, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def _own_private_names(tree: ast.Module) -> set[str]:
    """Underscore names a module defines: functions, classes, globals, attributes it assigns, slots it declares."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets) and node.value is not None:
                for c in ast.walk(node.value):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        names.add(c.value)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


#: Private names of other libraries that a module may use, with the reason.
ALLOWED = {
    ("icws_state._history", "_check"): "SortedList's own invariant check, run by the stress tests' `check`",
    **{("icws_state._history", name): "SortedList's layout, for appending a latest pair without `add` (see "
       "`HistoryTable._insert`; `test_history` checks the lists stay whole across splits and index builds)"
       for name in ("_maxes", "_index", "_lists", "_load")},
}


def test_no_module_touches_another_modules_private_names() -> None:
    trees = _modules()
    offences = []
    for module, tree in trees.items():
        own = _own_private_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if node.attr not in own and (module, node.attr) not in ALLOWED:
                    offences.append(f"{module}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") and node.module is not None:
                        offences.append(f"{module}:{node.lineno} imports {alias.name}")
    assert not offences, "private names of other modules used:\n" + "\n".join(offences)
