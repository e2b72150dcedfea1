"""Actions: every change of state runs as one, in one durable transaction.

A service that changes state is decorated with `@action` (one durable transaction per action, as
Zulip's `do_*` actions are). Called on its own it opens a durable transaction, so no
caller can wrap it in an outer transaction and believe it committed when it did not: Django
refuses a durable block inside any other transaction. Called inside another action (a checkout
placing several orders, a CSV import, an administrator saving a form) it joins that action in a
savepoint, and the whole commits once.

An action also carries what must happen at its edges, where a plain `atomic` block cannot:
- `before_commit`: work that must be inside the same transaction but after the action's own
  work, such as storing the answer to an Idempotency-Key (orders.idempotency);
- `defer_until_commit`: rows written last of all, just before the commit (the audit trail's
  links, which hold the organisation-wide lock of the chain head);
- `on_rollback`: undoing what a transaction cannot roll back, such as a file written to storage.
What leaves the database after the commit (e-mail, WhatsApp, Celery work) is a row the action
writes, an outbox message or a job, that the relay publishes once it has committed
(market.services.outbox).
"""

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class _Action:
    before_commit: list[Callable[[object], None]] = field(default_factory=list)
    on_rollback: list[Callable[[], None]] = field(default_factory=list)
    # name -> (flush, items): what defer_until_commit keeps for the outermost action to write
    deferred: dict[str, tuple[Callable[[list], None], list]] = field(default_factory=dict)
    result: object = None

    def absorb(self, inner: "_Action") -> None:
        """A nested action committed into this one: its leftovers become this one's."""
        self.on_rollback += inner.on_rollback
        for name, (flush, items) in inner.deferred.items():
            self.deferred.setdefault(name, (flush, []))[1].extend(items)


_current: ContextVar[_Action | None] = ContextVar("market_action", default=None)
_hook_for_next_action: ContextVar[Callable[[object], None] | None] = ContextVar(
    "market_next_action_hook", default=None
)


def _undo(callbacks: list[Callable[[], None]]) -> None:
    for undo in reversed(callbacks):
        try:
            undo()
        except Exception:  # undoing one thing must not stop undoing the others
            logger.exception("Could not undo %r after a rollback", undo)


@contextmanager
def action_scope() -> Iterator[Callable[[object], None]]:
    """Run the block as an action; yields a function that records the action's result.

    Only the outermost action's result reaches the `before_commit` callbacks.
    """
    outer = _current.get()
    if outer is not None:
        inner = _Action()
        token = _current.set(inner)
        try:
            with transaction.atomic():
                yield lambda result: None
        except BaseException:
            _undo(inner.on_rollback)
            raise
        finally:
            _current.reset(token)
        outer.absorb(inner)  # undone, or written, with the outer action
        return

    state = _Action()
    hook = _hook_for_next_action.get()
    if hook is not None:
        _hook_for_next_action.set(None)
        state.before_commit.append(hook)
    token = _current.set(state)
    try:
        with transaction.atomic(durable=True):
            yield lambda result: setattr(state, "result", result)
            for callback in state.before_commit:
                callback(state.result)
            for flush, items in state.deferred.values():
                flush(items)
    except BaseException:
        _undo(state.on_rollback)
        raise
    finally:
        _current.reset(token)


def action(function):
    """Run the decorated service as an action (see the module's docstring)."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with action_scope() as record_result:
            result = function(*args, **kwargs)
            record_result(result)
        return result

    return run


def on_rollback(callback: Callable[[], None]) -> None:
    """Call `callback` if the current action does not commit (e.g. remove a stored file)."""
    current = _current.get()
    if current is None:
        raise RuntimeError("on_rollback() is only meaningful inside an action.")
    current.on_rollback.append(callback)


@contextmanager
def before_commit_of_next_action(callback: Callable[[object], None]) -> Iterator[None]:
    """Have the next action started in this block call `callback(result)` just before it
    commits, inside its transaction."""
    token = _hook_for_next_action.set(callback)
    try:
        yield
    finally:
        _hook_for_next_action.reset(token)


def defer_until_commit(name: str, item, *, flush: Callable[[list], None]) -> None:
    """Keep `item` until the outermost action is about to commit, then `flush(items)` them all
    at once, after every `before_commit` callback (the audit trail's links, taken last)."""
    current = _current.get()
    if current is None:
        raise RuntimeError("defer_until_commit() is only meaningful inside an action.")
    current.deferred.setdefault(name, (flush, []))[1].append(item)


def in_action() -> bool:
    return _current.get() is not None
