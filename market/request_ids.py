"""The request id: given to every request (or taken from the proxy's `X-Request-ID`), written on
each of its log lines, sent back in the response, and carried into the Celery tasks it starts,
whose log lines carry it too. One id follows one person's click through web and workers."""

import logging
import re
import uuid
from contextvars import ContextVar

current: ContextVar[str] = ContextVar("request_id", default="")
HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every log record ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get() or "-"
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


# Celery: the id rides in the task message's headers and is set again around the task.


def carry_into_task(headers=None, **kwargs) -> None:
    """before_task_publish: the publishing request's (or task's) id goes with the message."""
    if headers is not None and current.get():
        headers["request_id"] = current.get()


def take_up_in_task(task=None, **kwargs) -> None:
    """task_prerun: the task's log lines carry the id of the request that started it."""
    request = getattr(task, "request", None)
    request_id = getattr(request, "request_id", None) or (
        (getattr(request, "headers", None) or {}).get("request_id")
    )
    if request is not None:
        # A task run in the web process (eager) keeps the request's id.
        request._request_id_token = current.set(request_id or current.get())


def put_down_after_task(task=None, **kwargs) -> None:
    """task_postrun: the next task on this worker starts without it."""
    token = getattr(getattr(task, "request", None), "_request_id_token", None)
    if token is not None:
        current.reset(token)
