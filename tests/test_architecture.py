"""The shape of the project (README, "Map of the apps"), held by tests."""

from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_imports_flow_one_way(monkeypatch):
    """market <- vendors <- catalog <- procurement <- orders <- worker (pyproject.toml)."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == EXIT_STATUS_SUCCESS
