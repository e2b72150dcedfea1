"""Draws the installed app's icons (pasar/static/pwa/icon-*.png) from the favicon's shapes: a
white basket on the site's green. Run once after changing them, and commit the PNGs:
`.venv/bin/python -m pasar.pwa_icons`.

"any" icons are a rounded square; "maskable" ones fill the whole square, the basket inside the
middle 60 % that every launcher's mask keeps."""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = "#1f6f43"
FOLDER = Path(__file__).parent / "static" / "pwa"
SIZES = (192, 512)


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large and shrunk: smooth edges without anti-aliasing primitives
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, side, side), fill=GREEN)
        unit = side * 0.6 / 32  # the favicon's 32-unit grid, shrunk into the safe zone
    else:
        pen.rounded_rectangle((0, 0, side - 1, side - 1), radius=side * 6 // 32, fill=GREEN)
        unit = side / 32
    offset = (side - 32 * unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return offset + x * unit, offset + y * unit

    pen.polygon([at(8, 13), at(24, 13), at(22, 24), at(10, 24)], fill="white")
    # The handle: the top half of a ring of radius 4 around (16, 13), two units thick.
    pen.arc((*at(12, 9), *at(20, 17)), start=180, end=360, fill="white", width=round(2 * unit))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    for size in SIZES:
        draw(size, maskable=False).save(FOLDER / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(FOLDER / f"icon-maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
