"""House rules that code review alone would miss (DESIGN.md §3)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "competenze"
# The pure core: plain functions over plain data, importable without the web or the database.
PURE_MODULES = ["audit/chain.py", "common/text.py", "participants/fiscal_code.py", "frameworks/catalogue.py",
                "assessments/evidence.py", "assessments/language/rules.py", "assessments/digital/scoring.py",
                "assessments/experience/gap.py", "plans/rules.py", "dossiers/canonical.py", "dossiers/document.py",
                "dossiers/status.py", "dossiers/negotiation.py", "dossiers/europass.py", "dossiers/europass_codes.py",
                "dossiers/pdf.py", "dossiers/pdf_text.py", "dossiers/pdf_qr.py"]
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


def test_pure_core_imports_no_framework():
    for module in PURE_MODULES:
        offending = {n for n in _imports(SRC / module) if n.split(".")[0] in FRAMEWORKS}
        assert not offending, f"{module} imports {offending}"


def test_python_jose_only_in_the_token_wrappers():
    users = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
             if any(n == "jose" or n.startswith("jose.") for n in _imports(p))}
    assert users and users <= JOSE_ALLOWED, users


def test_services_never_commit():
    for path in SRC.rglob("service.py"):
        assert ".commit()" not in path.read_text(), f"{path} commits; the session dependency owns the transaction"
