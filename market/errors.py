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


class NotAllowed(DomainError):
    code = "not_allowed"
    status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This changed meanwhile; reload and try again.")
