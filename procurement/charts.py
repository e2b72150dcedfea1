"""Charts drawn by the app itself, as SVG in the page (no CDN, no script): the geometry here,
the drawing in templates/includes/bar_chart.html and line_chart.html."""

from dataclasses import dataclass
from decimal import Decimal

from market.bounds import format_number
from market.money import format_rupiah

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 640, 22, 8, 200


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    y: int
    width: float


def bar_chart(items: list[tuple[str, int]], *, most: int = 8) -> dict:
    """Horizontal bars of rupiah amounts, largest first (the rest summed as the last bar)."""
    items = sorted(((label, value) for label, value in items if value > 0), key=lambda i: -i[1])
    if len(items) > most:
        rest = sum(value for _label, value in items[most - 1 :])
        items = [*items[: most - 1], ("…", rest)]
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 110
    bars = [
        Bar(
            label=str(label)[:32],
            value=value,
            text=format_rupiah(value),
            y=index * (BAR_HEIGHT + GAP),
            width=round(span * value / top, 1),
        )
        for index, (label, value) in enumerate(items)
    ]
    return {
        "bars": bars,
        "width": WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def share_chart(points: list[tuple[str, Decimal]], *, target: Decimal, height: int = 180) -> dict:
    """A line of percentages over the months (0 to 100 %, or above the highest point) with the
    target drawn across."""
    left, right, bottom = 40, WIDTH - 10, height - 24
    top_value = max(
        [Decimal(100) if target > 50 else target * 2, *(v for _l, v in points)], default=100
    )
    top_value = top_value or Decimal(100)
    step = (right - left) / max(len(points) - 1, 1)

    def y(value: Decimal) -> float:
        return round(bottom - float(value / top_value) * (bottom - 10), 1)

    dots = [
        {
            "x": round(left + index * step, 1),
            "y": y(value),
            "label": label,
            "text": f"{format_number(value)} %",
        }
        for index, (label, value) in enumerate(points)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "dots": dots,
        "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
        "target_y": y(target),
        "target_text": f"{format_number(target)} %",
        "left": left,
        "right": right,
        "bottom": bottom,
    }
