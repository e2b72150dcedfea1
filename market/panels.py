"""A panel of the home page: an app's own view of what waits for this person (its orders to
approve, its budget, a vendor's inbox). Each app writes its panel function; the home page
(pasar.home) asks them in turn."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


def panels_of(page: str, request, subject) -> list[Panel]:
    """The panels higher apps add to one of a lower app's pages (the shell's PAGE_PANELS names
    them by page), each given the request and what the page is about; those for this person."""
    built = (import_string(path)(request, subject) for path in settings.PAGE_PANELS.get(page, ()))
    return [panel for panel in built if panel is not None]
