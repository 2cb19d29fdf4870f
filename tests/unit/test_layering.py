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
NO_SESSION_IN = ("app.api", "app.web", "app.scheduler")
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
