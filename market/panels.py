"""A panel of the home page: an app's own view of what waits for this person (its orders to
approve, its budget, a vendor's inbox). Each app writes its panel function; the home page
(pasar.home) asks them in turn."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict
