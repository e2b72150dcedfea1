"""Calling a service with what a person typed, so that one answer names every field's problem.

A form or serializer checks types (a date is a date); the service checks the rules (a receipt
is not dated before the shipment). Done one after the other, a person would fix the type errors
and only then learn the rest, in rounds. Instead, when some fields fail their type, the service
is still called, with None for those fields, inside an action that is always rolled back, only
to collect its own field errors; the answer is both sets together. Nothing is written unless
every field passed both.
"""

from collections.abc import Callable

from market.errors import DomainError, InvalidInput
from market.transactions import action_scope


class _Undo(Exception):
    pass


def merge_errors(first: dict, second: dict) -> dict:
    """Field errors of both; where both name a field, the first's (the type error) wins."""
    return {**second, **first}


def problems_of(call: Callable[[], object]) -> dict:
    """The field errors `call()` would raise, in an action that is always rolled back."""
    try:
        with action_scope():
            call()
            raise _Undo
    except DomainError as refused:
        return refused.field_errors()
    except _Undo:
        return {}


def call_with_every_error(call: Callable[[dict], object], values: dict, errors: dict):
    """`call(values)`, or InvalidInput naming the problems of every field at once.

    `values` holds each field's parsed value, None where parsing failed (listed in `errors`).
    """
    if not errors:
        return call(values)
    try:
        with action_scope():
            call(values)
            raise _Undo
    except InvalidInput as invalid:
        errors = merge_errors(errors, invalid.fields)
    except (_Undo, DomainError):
        pass  # nothing more to report than the type errors
    raise InvalidInput(errors)
