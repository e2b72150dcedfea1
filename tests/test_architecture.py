"""The shape of the project (README, "Map of the apps"), held by tests."""

import ast
from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_imports_flow_one_way(monkeypatch):
    """market <- vendors <- catalog <- procurement <- orders <- worker <- pasar, the project's
    shell on top (pyproject.toml)."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == EXIT_STATUS_SUCCESS


def test_services_never_import_tasks(monkeypatch):
    """Background work leaves as a job row the outbox's relay publishes after the commit
    (market.services.outbox.job_queue): no service imports a tasks module, its own app's or
    another's, so tasks import services and never the other way round (pyproject.toml)."""
    monkeypatch.chdir(ROOT)
    contract = ("services-without-tasks",)
    assert (
        lint_imports(limit_to_contracts=contract, no_cache=True, no_logo=True)
        == EXIT_STATUS_SUCCESS
    )


# The layers, lowest first (pyproject.toml's contract, read from the bottom).
LAYERS = [
    "market",
    "vendors",
    "catalog",
    "procurement",
    "orders",
    "ratings",
    "quotes",
    "integrity",
    "worker",
    "pasar",
]


def _strings_in_code(path: Path):
    """Every string literal of a module except its docstrings (which may name anything)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if literal and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_no_app_names_a_higher_one_even_in_a_string(app):
    """No registry filled from above, no dotted path resolved at run time towards a higher app:
    what the core needs from the apps they declare where it finds them (README, "Map of the
    apps"), and only the shell's settings wire one app to another. Models' audit declarations
    name their own app's functions; migrations are generated and left out."""
    higher = LAYERS[LAYERS.index(app) + 1 :]
    ties = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, text in _strings_in_code(path)
        if any(text.startswith(f"{other}.") for other in higher)
    ]
    assert ties == []
