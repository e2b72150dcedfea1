"""Panels of the home page. Each app registers its own (in its AppConfig.ready), so the page
can show budgets, orders or a vendor's inbox without the market app importing those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


PanelBuilder = Callable[[object], Panel | None]
_builders: list[tuple[int, PanelBuilder]] = []


def register_panel(builder: PanelBuilder, *, order: int) -> None:
    if all(existing is not builder for _, existing in _builders):
        _builders.append((order, builder))
        _builders.sort(key=lambda item: item[0])


def panels_for(request) -> list[Panel]:
    """The panels this person sees; a builder returns None when its panel is not for them."""
    return [panel for _, build in _builders if (panel := build(request)) is not None]
