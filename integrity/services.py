"""Every write of the integrity app: asking for a scan, running it, and reviewing a flag.

A scan runs each indicator (integrity.indicators) and records what it found, in batches of
short transactions: a new key raises a flag; a key with an open flag adds the new evidence to it
and says so on its history; evidence already reviewed raises nothing again. The same evidence
never makes a second flag, whichever run finds it first: one open flag per key is a database
constraint, and a batch that loses the race to create one is recorded again, adding to the
winner's flag instead.
"""

import hashlib
import json
import logging
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity.indicators import INDICATORS
from integrity.indicators.base import Finding, Scope
from integrity.models import Flag, FlagEvent, FlagStatus, Scan, evidence_of
from integrity.permissions import reads_flags, reviews_flags
from market.bounds import NOTE_LENGTH, text_problem
from market.errors import InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import OrganisationRole, User
from market.selectors import organisation_people
from market.services.audit import audit_changes, audit_record
from market.services.notifications import notify
from market.services.outbox import job_queue
from market.transactions import action
from procurement.models import FiscalYear
from procurement.selectors import policy_for

logger = logging.getLogger(__name__)

ACTIVE = (Scan.Status.PENDING, Scan.Status.RUNNING)
OUTCOMES = (FlagStatus.EXPLAINED, FlagStatus.REFERRED)


# --- Scans ---------------------------------------------------------------------------------


@action
def scan_request(*, by: User | None, fiscal_year: FiscalYear) -> Scan:
    """Ask for a scan of a fiscal year (finance officers and inspectors; None: the nightly run
    or the command). A scan already waiting or running for the year is the answer: never two."""
    if by is not None and not reads_flags(by):
        raise NotAllowed(_("Scans are for finance officers and inspectors."))
    active = Scan.objects.filter(fiscal_year=fiscal_year, status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            scan = Scan.objects.create(
                fiscal_year=fiscal_year, requested_by=by, indicators_total=len(INDICATORS)
            )
    except IntegrityError:  # another request created it meanwhile (scan_one_active_a_year)
        return Scan.objects.get(fiscal_year=fiscal_year, status__in=ACTIVE)
    audit_record(
        actor=by, action="integrity.scan.request", target=scan, after={"year": fiscal_year.year}
    )
    if by is not None:
        # Run by integrity.tasks.run_scan once this commits (the outbox's relay and sweeper).
        job_queue(task="integrity.run_scan", object_id=scan.pk)
    return scan


@action
def _scan_set(*, scan_id: int, **values) -> Scan:
    scan = lock_row(Scan.objects, scan_id)
    for name, value in values.items():
        setattr(scan, name, value)
    scan.save()
    return scan


def scan_run(*, scan_id: int) -> Scan | None:
    """Run every indicator and record the findings; a finished scan is left alone, one that
    was cut short runs again from the start (recording is idempotent)."""
    scan = Scan.objects.select_related("fiscal_year").filter(pk=scan_id).first()
    if scan is None or scan.status in (Scan.Status.DONE, Scan.Status.FAILED):
        return scan
    now = timezone.now()
    scan = _scan_set(
        scan_id=scan.pk,
        status=Scan.Status.RUNNING,
        started_at=now,
        indicators_done=0,
        raised=0,
        extended=0,
    )
    scope = Scope(fiscal_year=scan.fiscal_year, policy=policy_for(scan.fiscal_year), now=now)
    raised = extended = 0
    try:
        for done, indicator in enumerate(INDICATORS, start=1):
            with _room_to_sort():
                findings = indicator(scope)
            counts = _record_all(scan, findings)
            raised, extended = raised + counts[0], extended + counts[1]
            _scan_set(scan_id=scan.pk, indicators_done=done, raised=raised, extended=extended)
    except Exception:  # logged for administrators; the scan says it failed
        logger.exception("Integrity scan %s failed", scan.pk)
        return _scan_set(
            scan_id=scan.pk,
            status=Scan.Status.FAILED,
            finished_at=timezone.now(),
            error=_("The scan stopped with an error; run it again, or tell an administrator."),
        )
    return _scan_finish(scan_id=scan.pk)


@action
def _scan_finish(*, scan_id: int) -> Scan:
    scan = _scan_set(scan_id=scan_id, status=Scan.Status.DONE, finished_at=timezone.now())
    audit_record(
        actor=None,
        action="integrity.scan.done",
        target=scan,
        after={"raised": scan.raised, "extended": scan.extended},
    )
    if scan.raised or scan.extended:
        notify(
            kind="integrity.flags_found",
            recipients=organisation_people(OrganisationRole.INSPECTOR),
            params={
                "year": scan.fiscal_year.year,
                "raised": scan.raised,
                "extended": scan.extended,
            },
            target=scan,
            link=reverse("integrity-console"),
        )
    return scan


# Memory a scan's sorts and window functions may use on PostgreSQL before they spill to disk
# (a regency's year of order lines sorts in about 90 MB; the server's default is 4 MB).
SCAN_WORK_MEM = "128MB"


@contextmanager
def _room_to_sort():
    """Run an indicator's queries with SCAN_WORK_MEM, and give the connection back as it was."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = %s", [SCAN_WORK_MEM])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")


def _evidence(finding: Finding) -> set[tuple[str, int]]:
    return evidence_of(finding.order_ids, finding.line_ids, finding.vendor_ids)


def _merged(old: list[int], new: tuple[int, ...]) -> list[int]:
    return list(dict.fromkeys([*old, *new]))


# Findings recorded per transaction: a scan of a province writes thousands of flags, and a
# transaction each (with its audit chain's lock) would take minutes; a batch holds the locks of
# its own flags only, for milliseconds.
BATCH = 500


def _record_all(scan: Scan, findings: list[Finding]) -> tuple[int, int]:
    """Record the findings in batches; (raised, extended)."""
    raised = extended = 0
    for start in range(0, len(findings), BATCH):
        batch = findings[start : start + BATCH]
        try:
            counts = _record(scan=scan, findings=batch)
        except IntegrityError:  # another run of the scan raised one of them meanwhile
            counts = _record(scan=scan, findings=batch)
        raised, extended = raised + counts[0], extended + counts[1]
    return raised, extended


def _digest(finding: Finding) -> str:
    """What a finding says, as one value: a flag that still says it is left alone unread."""
    said = {"evidence": sorted(_evidence(finding)), "figures": finding.figures}
    return hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()


@action
def _record(*, scan: Scan, findings: list[Finding]) -> tuple[int, int]:
    """Raise, extend or leave a flag for each finding (keys of one indicator, each once)."""
    indicator = findings[0].indicator
    digests = {finding.key: _digest(finding) for finding in findings}
    known = dict(
        Flag.objects.filter(indicator=indicator, key__in=list(digests), status=FlagStatus.OPEN)
        .values_list("key", "digest")
        .order_by()
    )
    changed = [key for key, digest in known.items() if digests[key] != digest]
    open_flags = {
        flag.key: flag
        for flag in Flag.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, key__in=changed, status=FlagStatus.OPEN)
        .prefetch_related("vendors")
        .order_by("pk")
    }
    reviewed: dict[str, Flag] = {}
    for flag in (
        Flag.objects.filter(indicator=indicator, key__in=set(digests) - known.keys())
        .exclude(status=FlagStatus.OPEN)
        .prefetch_related("vendors")
        .order_by("reviewed_at", "pk")
    ):
        reviewed[flag.key] = flag  # the latest review of each key
    now = timezone.now()
    new = [
        finding
        for finding in findings
        if finding.key not in known
        and not (finding.key in reviewed and _evidence(finding) <= reviewed[finding.key].evidence)
    ]
    raised = _raise(scan, new, digests, now)
    extended = 0
    for finding in findings:
        flag = open_flags.get(finding.key)
        if flag is not None:
            extended += _extend(scan, flag, finding, digests[finding.key], now)
    return len(raised), extended


def _raise(scan: Scan, findings: list[Finding], digests: dict[str, str], now) -> list[Flag]:
    """New flags, in bulk; their raising is one audit event of the batch (a flag's history
    begins at its `raised_at`, by `raised_by`)."""
    if not findings:
        return []
    flags = Flag.objects.bulk_create(
        [
            Flag(
                indicator=finding.indicator,
                rule=finding.rule,
                key=finding.key,
                digest=digests[finding.key],
                fiscal_year_id=finding.fiscal_year_id,
                department_id=finding.department_id,
                vendor_id=finding.vendor_id,
                figures=finding.figures,
                order_ids=list(finding.order_ids),
                line_ids=list(finding.line_ids),
                raised_by=scan,
                raised_at=now,
                updated_by=scan,
                updated_at=now,
            )
            for finding in findings
        ]
    )
    Flag.vendors.through.objects.bulk_create(
        [
            Flag.vendors.through(flag_id=flag.pk, vendor_id=vendor_id)
            for flag, finding in zip(flags, findings, strict=True)
            for vendor_id in dict.fromkeys(finding.vendor_ids)
        ]
    )
    audit_record(
        actor=None,
        action="integrity.flags.raise",
        target=scan,
        after={"indicator": findings[0].indicator, "flags": [flag.pk for flag in flags]},
    )
    return flags


def _extend(scan: Scan, flag: Flag, finding: Finding, digest: str, now) -> bool:
    """Add a finding's new evidence to its open flag (True), or only its figures (False)."""
    added = _evidence(finding) - flag.evidence
    flag.digest = digest
    if not added:
        flag.figures = finding.figures
        flag.save(update_fields=["figures", "digest"])
        return False
    flag.order_ids = _merged(flag.order_ids, finding.order_ids)
    flag.line_ids = _merged(flag.line_ids, finding.line_ids)
    flag.figures, flag.updated_by, flag.updated_at = finding.figures, scan, now
    flag.save()
    flag.vendors.add(*finding.vendor_ids)
    details = {
        kind: sorted(pk for what, pk in added if what == kind)
        for kind in ("order", "line", "vendor")
    }
    FlagEvent.objects.create(
        flag=flag, kind=FlagEvent.Kind.EXTENDED, at=now, scan=scan, details=details
    )
    audit_record(actor=None, action="integrity.flag.extend", target=flag, after=details)
    return True


# --- Reviews -------------------------------------------------------------------------------


def review_problems(*, outcome, reason) -> dict:
    """{field: [problem]} of a review's input: the page's form and the API's input name them
    with their own checks, and flag_review keeps them."""
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_('Choose "explained" or "referred for audit".')]
    if problem := text_problem(reason if isinstance(reason, str) else "", most=NOTE_LENGTH):
        errors["reason"] = [problem]
    return errors


@action
def flag_review(*, flag: Flag, by: User, outcome: str, reason: str) -> Flag:
    """Close a flag as explained or referred for audit, with the reason (inspectors)."""
    if not reviews_flags(by):
        raise NotAllowed(_("Only an inspector reviews red flags."))
    flag = lock_row(Flag.objects, flag.pk)
    errors = review_problems(outcome=outcome, reason=reason)
    if flag.status != FlagStatus.OPEN:
        errors.setdefault("outcome", []).append(
            _("This flag was reviewed already (%(outcome)s).")
            % {"outcome": flag.get_status_display()}
        )
    if errors:
        raise InvalidInput(errors)
    before = {"status": flag.status}
    flag.status, flag.reviewed_by, flag.reviewed_at = outcome, by, timezone.now()
    flag.review_reason = reason.strip()
    flag.save()
    FlagEvent.objects.create(
        flag=flag,
        kind=FlagEvent.Kind.REVIEWED,
        at=flag.reviewed_at,
        by=by,
        details={"outcome": outcome},
        note=flag.review_reason,
    )
    audit_changes(
        actor=by,
        action="integrity.flag.review",
        target=flag,
        before=before,
        after={"status": flag.status, "reason": flag.review_reason},
    )
    return flag
