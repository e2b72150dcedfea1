"""The payment clock: an invoice is complete when it is issued (it bills what BASTs received)
and due the policy's working days later, at the same time of day; weekends and the holidays
the app keeps (procurement.Holiday) do not count."""

import datetime

from django.utils import timezone

from procurement.selectors import working_days_after


def due_at(complete_at: datetime.datetime, days: int, holidays=None) -> datetime.datetime:
    complete = timezone.localtime(complete_at)
    day = working_days_after(complete.date(), days, holidays)
    return complete.replace(year=day.year, month=day.month, day=day.day)
