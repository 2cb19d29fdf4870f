"""The dependency direction of architecture.md, checked on the import graph."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package prefix -> module prefixes it must not import
FORBIDDEN = {
    "handlers": ("app", "flask", "sqlalchemy", "SpiffWorkflow"),
    "app.engine": ("app.models", "app.services", "app.api", "app.web", "flask", "sqlalchemy"),
    "app.models": ("app.services", "app.api", "app.web", "app.engine", "SpiffWorkflow"),
    "app.services": ("app.api", "app.web", "app.scheduler", "app.cli", "SpiffWorkflow"),
    "app.api": ("app.engine", "SpiffWorkflow", "app.web"),
    "app.web": ("app.engine", "SpiffWorkflow", "app.api"),
    "app.scheduler": ("app.engine", "SpiffWorkflow", "app.api", "app.web"),
    "app.cli": ("app.engine", "SpiffWorkflow"),
}
NO_SESSION_IN = ("app.api", "app.web", "app.scheduler", "app.cli")
REQUEST_STATE = {"g", "request", "session", "abort"}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for base in ("app", "handlers"):
        for path in (ROOT / base).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found.append((name, path))
    return found


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module,path", _modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_module_respects_layers(module: str, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = _imports(tree)
    for package, forbidden in FORBIDDEN.items():
        if module == package or module.startswith(package + "."):
            bad = [i for i in imported if any(i == f or i.startswith(f + ".") for f in forbidden)]
            assert not bad, f"{module} imports {bad}"
    if module.startswith(NO_SESSION_IN):
        assert "db.session" not in source, f"{module} uses db.session: call a service"
    if module.startswith("app.services"):
        flask_names = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "flask"
                       for a in n.names}
        assert not flask_names & REQUEST_STATE, f"{module} reads request state {flask_names & REQUEST_STATE}"


# the one module that commits, rolls back and speaks each database's locking dialect (see its docstring)
TRANSACTIONS = "app.services.transactions"
TRANSACTION_CALLS = ("session.commit(", "session.rollback(", "with_for_update(", "dialect.name ==", "dialect.name !=")


@pytest.mark.parametrize("module,path", _modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_transactions_have_one_owner(module: str, path: Path) -> None:
    if module == TRANSACTIONS or module.startswith("app.models"):  # column types adapt to SQLite's datetimes
        return
    source = path.read_text(encoding="utf-8")
    found = [call for call in TRANSACTION_CALLS if call in source]
    assert not found, f"{module} calls {found}: use app/services/transactions.py"


def test_no_service_module_is_a_thousand_lines() -> None:
    long = {name: n for name, path in _modules() if name.startswith(("app", "handlers"))
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > 320}
    assert not long, f"split these modules by purpose: {long}"
