"""The shape of the project (README, "Map of the apps"), held by tests."""

from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_imports_flow_one_way(monkeypatch):
    """market <- vendors <- catalog <- procurement <- orders <- worker (pyproject.toml)."""
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
