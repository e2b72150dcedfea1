"""Domain errors: raised by services, turned into the same answer by the API and the pages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule said no. `message` is translatable and meant for the person who acted."""

    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    fields: dict | None = None  # several fields' problems at once (InvalidInput, or set later)

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    def named_fields(self) -> dict | None:
        """{field: [message]} when the refusal is about fields, else None."""
        if self.fields:
            return self.fields
        return {self.field: [str(self.message)]} if self.field else None

    def field_errors(self) -> dict:
        """The refusal by field; one about no particular field under "__all__"."""
        return self.named_fields() or {"__all__": [str(self.message)]}

    def messages(self) -> list[str]:
        """Every message, flattened, for a place that cannot point at the field."""
        return list(_flatten(self.field_errors()))


class InvalidInput(DomainError):
    """Several fields are wrong at once: {field: [message, ...]}, or for a field made of parts
    (an order's quantities per line) {field: {part: [message, ...]}}."""

    code = "invalid"
    default_message = _("Some fields are not valid.")

    def __init__(self, fields: dict[str, list | dict], message=None):
        self.fields = _as_text(fields)
        super().__init__(message)


def _as_text(fields: dict) -> dict:
    return {str(name): _problems_as_text(problems) for name, problems in fields.items()}


def _problems_as_text(problems):
    """A field's problems as text, keeping their shape: a list of messages, {part: problems}
    for a field made of parts, a list of such for a list of items (an API's list input)."""
    if isinstance(problems, dict):
        return _as_text(problems)
    if isinstance(problems, list | tuple):
        return [
            _problems_as_text(problem) if isinstance(problem, dict | list | tuple) else str(problem)
            for problem in problems
        ]
    return [str(problems)]


def _flatten(fields):
    for problems in fields.values() if isinstance(fields, dict) else fields:
        if isinstance(problems, dict | list | tuple):
            yield from _flatten(problems)
        else:
            yield problems


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This changed meanwhile; reload and try again.")


class TooMany(DomainError):
    code = "throttled"
    status = 429
    default_message = _("Too many requests; try again later.")
