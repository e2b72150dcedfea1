"""Running a CSV import all-or-nothing, with a report of every bad row.

Each row goes through the same service a person would use; a row's domain error becomes a line
of the report. When any row is bad, or with --dry-run, nothing is written.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from market import bounds
from market.errors import DomainError, InvalidInput
from market.models import User
from market.transactions import action_scope


class RowError(Exception):
    """A problem with one cell, found while reading the row (before any service is called)."""

    def __init__(self, column: str, message):
        self.column, self.message = column, message
        super().__init__(str(message))


class _WriteNothing(Exception):
    """Raised to roll the import back: a dry run, or a file with a bad row."""


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[str] = field(default_factory=list)


def run_csv_import(
    *, path: str, required: set[str], import_row: Callable[[dict], object], dry_run: bool
) -> ImportReport:
    report = ImportReport()
    if not Path(path).is_file():
        raise CommandError(f"Cannot read {path}: no such file.")
    # The whole file is one action: each row's service joins it, and it commits once or not at all.
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle, action_scope():
            reader = csv.DictReader(handle)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path}: missing columns: {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                cells = {key: (value or "").strip() for key, value in row.items() if key}
                try:
                    with transaction.atomic():
                        import_row(cells)
                except RowError as error:
                    report.problems.append(f"row {line}: {error.column}: {error.message}")
                except DomainError as error:
                    report.problems += [
                        f"row {line}: {name if name != '__all__' else 'row'}: {message}"
                        for name, problems in error.field_errors().items()
                        for message in InvalidInput({name: problems}).messages()
                    ]
                else:
                    report.imported += 1
            if dry_run or report.problems:
                raise _WriteNothing
    except _WriteNothing:
        pass
    return report


def administrator(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not (user.is_staff or user.is_superuser):
        raise CommandError(f"--by {username}: not an active platform administrator.")
    return user


def finish(command: BaseCommand, report: ImportReport, *, dry_run: bool, noun: str) -> None:
    for problem in report.problems:
        command.stderr.write(problem)
    if report.problems:
        raise CommandError(f"{len(report.problems)} problem(s); nothing was imported.")
    verb = "would import" if dry_run else "imported"
    command.stdout.write(command.style.SUCCESS(f"{verb} {report.imported} {noun}"))


def yes_no(cells: dict, column: str) -> bool:
    value = cells.get(column, "").lower()
    if value in {"", "0", "no", "tidak", "false", "n"}:
        return False
    if value in {"1", "yes", "ya", "true", "y"}:
        return True
    raise RowError(column, "use ya/tidak (yes/no)")


def whole_number(cells: dict, column: str) -> int | None:
    value = cells.get(column, "").replace(".", "").replace(",", "")
    if not value:
        return None
    if bounds.whole_number(value) is None:
        raise RowError(column, "not a whole number")
    return int(value)
