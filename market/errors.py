"""Domain errors: raised by services, turned into the same answer by the API and the pages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule said no. `message` is translatable and meant for the person who acted."""

    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    """Several fields are wrong at once: {field: [message, ...]}."""

    code = "invalid"
    default_message = _("Some fields are not valid.")

    def __init__(self, fields: dict[str, list], message=None):
        self.fields = {name: [str(m) for m in messages] for name, messages in fields.items()}
        super().__init__(message)


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This changed meanwhile; reload and try again.")
