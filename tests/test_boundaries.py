"""House rules that code review alone would miss (DESIGN.md §3)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "competenze"
# A module of the pure core says so on a line of its own; the test finds them all, so a new
# pure module is checked without anyone keeping a list.
PURE_MARKER = "# pure core:"
# The modules that own transactions: the runners of db.py and hotpath.py, and the command line's own.
TRANSACTION_OWNERS = {"db.py", "hotpath.py", "cli.py"}
FRAMEWORKS = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "jose")
JOSE_ALLOWED = {"auth/tokens.py", "dossiers/signing.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _pure_modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if any(line.startswith(PURE_MARKER) for line in p.read_text().splitlines())]


def test_pure_core_imports_no_framework():
    pure = _pure_modules()
    assert len(pure) >= 20, sorted(str(p.relative_to(SRC)) for p in pure)  # the markers were found
    for module in pure:
        offending = {n for n in _imports(module) if n.split(".")[0] in FRAMEWORKS}
        assert not offending, f"{module.relative_to(SRC)} imports {offending}"
        # Nor anything of ours that does: the core stays importable without the web or the database.
        ours = {n for n in _imports(module) if n.startswith("competenze.")}
        for name in ours:
            target = SRC.joinpath(*name.split(".")[1:])
            target = target.with_suffix(".py") if target.with_suffix(".py").exists() else target / "__init__.py"
            assert target in pure or not target.exists(), f"{module.relative_to(SRC)} imports impure {name}"


def test_python_jose_only_in_the_token_wrappers():
    users = {
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if any(n == "jose" or n.startswith("jose.") for n in _imports(p))
    }
    assert users, users
    assert users <= JOSE_ALLOWED, users


def test_only_the_transaction_owners_commit():
    checked = 0
    for path in SRC.rglob("*.py"):
        if str(path.relative_to(SRC)) in TRANSACTION_OWNERS:
            continue
        checked += 1
        tree = ast.parse(path.read_text())
        commits = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "commit"]
        assert not commits, f"{path.relative_to(SRC)}:{commits} commits; the session dependency or a db runner owns it"
    assert checked > 80  # the whole of src/ was read
