"""No cycles between the top-level packages of src/competenze (CONTRIBUTING.md, "Layers").

The graph is read from the source, imports inside functions included: an import moved into a
function to dodge a cycle at start-up is still a cycle in the design.

A package's table definitions are a node of their own, below the package's services
(`plans.models`: its models.py modules and what they import from their own package, such as
the column types of common/types.py): the access layer reads every domain's models and is
called by every domain's services.
"""

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "competenze"


def imported(root: Path, path: Path) -> list[tuple[Path, int]]:
    """(file of ours, line) for every import in the file, at any depth."""

    def module(name: str) -> Path | None:
        target = root.joinpath(*name.split(".")[1:])
        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
            if candidate.exists():
                return candidate
        return None

    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from competenze.plans import service` imports a module, not only the package.
            names = [
                f"{node.module}.{a.name}" if module(f"{node.module}.{a.name}") else node.module for a in node.names
            ]
        for name in names:
            target = module(name) if name.split(".")[0] == root.name else None
            if target is not None and target != root / "__init__.py":
                found.append((target, node.lineno))
    return found


def nodes(root: Path) -> dict[Path, str]:
    """Each file's node: its top-level package, or that package's model layer."""
    top = {p: p.relative_to(root).parts[0].removesuffix(".py") for p in root.rglob("*.py")}
    node = dict(top)
    for path in top:
        if path.name == "models.py" and path.parent != root:
            layer, todo = f"{top[path]}.models", [path]
            while todo:
                current = todo.pop()
                node[current] = layer
                todo += [t for t, _ in imported(root, current) if top[t] == top[path] and node[t] != layer]
    return node


def graph(root: Path = SRC, *, modules: bool = False) -> dict[str, dict[str, list[str]]]:
    """node -> node -> where ("file:line"); with modules, every file is a node of its own."""
    node = {p: str(p.relative_to(root)) for p in root.rglob("*.py")} if modules else nodes(root)
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(node):
        for target, line in imported(root, path):
            if node[target] != node[path]:
                edges[node[path]][node[target]].append(f"{path.relative_to(root)}:{line}")
    return edges


def cycles(edges: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([*component, node]))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def describe(edges, component: list[str]) -> str:
    return "; ".join(
        f"{a} -> {b} ({', '.join(edges[a][b][:3])})" for a in component for b in component if b in edges.get(a, {})
    )


def test_no_cycles_between_top_level_packages():
    edges = graph()
    # The graph was really read: the domains, their model layers and the access layer.
    assert {"dossiers", "plans", "participants", "access", "db", "common"} <= set(edges)
    assert {"participants.models", "plans.models", "dossiers.models"} <= set(edges["access"])
    assert "access" in edges["participants"]
    found = cycles(edges)
    assert not found, "import cycles: " + " | ".join(describe(edges, c) for c in found)


def test_no_module_imports_itself_back():
    # Inside a package too: two modules that need each other are one module, or a third is missing.
    edges = graph(modules=True)
    assert len(edges) > 70  # every module that imports one of ours was read
    found = cycles(edges)
    assert not found, "import cycles: " + " | ".join(describe(edges, c) for c in found)


def test_the_check_sees_a_cycle_hidden_in_a_function(tmp_path):
    root = tmp_path / "competenze"
    for package in ("low", "high"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "low" / "service.py").write_text("def f():\n    from competenze.high import service\n")
    (root / "high" / "service.py").write_text("from competenze.low import service\n")
    edges = graph(root)
    assert cycles(edges) == [["high", "low"]]
    assert edges["low"]["high"] == ["low/service.py:2"]


def test_the_model_layer_is_below_its_package(tmp_path):
    # Services may read models and models their column types; a model reaching up is a cycle.
    root = tmp_path / "competenze"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "types.py").write_text("")
    (root / "shop" / "models.py").write_text("from competenze.shop import types\n")
    (root / "shop" / "service.py").write_text("from competenze.shop import models\n")
    assert not cycles(graph(root))
    assert not cycles(graph(root, modules=True))
    # Reaching up pulls the service into the model layer: the module graph names the circle.
    (root / "shop" / "types.py").write_text("from competenze.shop import service\n")
    assert cycles(graph(root, modules=True)) == [["shop/models.py", "shop/service.py", "shop/types.py"]]


def documented_layers() -> list[list[str]]:
    """The `layers` block of CONTRIBUTING.md, bottom line first."""
    text = (SRC.parents[1] / "CONTRIBUTING.md").read_text()
    block = text.split("```layers\n", 1)[1].split("```", 1)[0]
    return [line.split() for line in reversed(block.strip().splitlines())]


def test_the_layers_in_contributing_are_the_code_s():
    level = {name: i for i, line in enumerate(documented_layers()) for name in line}

    def of(node: str) -> int:
        if node in level:
            return level[node]
        assert node.endswith(".models"), f"{node} is in no line of CONTRIBUTING.md's layers"
        return level["*.models"]

    edges = graph()
    upward = [
        f"{a} -> {b} ({where[0]})"
        for a, targets in edges.items()
        for b, where in targets.items()
        if not (of(b) < of(a) or of(a) == of(b) == level["*.models"])
    ]
    assert len(edges) > 15
    assert not upward, "imports up the layers of CONTRIBUTING.md: " + "; ".join(upward)
