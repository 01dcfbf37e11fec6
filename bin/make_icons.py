"""Draw the app's PNG icons (home screen, install prompt, Safari) from the brand mark in
static/img/icon.svg, with Pillow. Run once when the mark changes; the PNGs are committed.

    .venv/bin/python bin/make_icons.py

Pillow cannot read SVG, so the mark's two flame paths are traced here from the same numbers
(a 32-unit square), drawn four times larger and scaled down for smooth edges.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "static" / "img"
BRAND, PAPER, GOLD = "#1f4e5f", "#fdf8f0", "#e9a948"
Point = tuple[float, float]


def cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 40) -> list[Point]:
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u**3 * p0[0] + 3 * u**2 * t * p1[0] + 3 * u * t**2 * p2[0] + t**3 * p3[0],
                u**3 * p0[1] + 3 * u**2 * t * p1[1] + 3 * u * t**2 * p2[1] + t**3 * p3[1],
            )
        )
    return points


def lower_half_circle(left: Point, right: Point, steps: int = 60) -> list[Point]:
    """The SVG arc ``a r r 0 0 1`` from ``left`` round the bottom to ``right`` (a half circle)."""
    cx, cy = (left[0] + right[0]) / 2, left[1]
    r = (right[0] - left[0]) / 2
    return [
        (cx - r * math.cos(math.pi * i / steps), cy + r * math.sin(math.pi * i / steps))
        for i in range(1, steps + 1)
    ]


def flame(top: float, width: float, base: float) -> list[Point]:
    """The mark's flame: from the tip (16, top) down the right side to a round base at
    y=``base`` of half-width ``width``, then up the left side to the tip again."""
    outer = [(16.0, top)]
    if width == 6.5:  # the outer flame: M16 5c2 5 6.5 7 6.5 12.5 a6.5 … C9.5 12 14 10 16 5z
        outer += cubic((16, 5), (18, 10), (22.5, 12), (22.5, 17.5))
        outer += [(x, y) for x, y in reversed(lower_half_circle((9.5, 17.5), (22.5, 17.5)))]
        outer += cubic((9.5, 17.5), (9.5, 12), (14, 10), (16, 5))
    else:  # the inner flame: M16 15c1 2.3 2.8 3.2 2.8 5.5a2.8 … c0-2.3 1.8-3.2 2.8-5.5z
        outer += cubic((16, 15), (17, 17.3), (18.8, 18.2), (18.8, 20.5))
        outer += [(x, y) for x, y in reversed(lower_half_circle((13.2, 20.5), (18.8, 20.5)))]
        outer += cubic((13.2, 20.5), (13.2, 18.2), (15, 17.3), (16, 15))
    return outer


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    """The mark at ``size`` pixels. A maskable icon fills the square with the brand colour
    and keeps the flame inside the middle 80% (the safe zone a launcher may crop to)."""
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BRAND)
        # The flame (x 9.5–22.5, y 5–24) half the height of the square, in its middle.
        unit = big * 0.5 / 19
        left, top = big / 2 - 16 * unit, big / 2 - 14.5 * unit
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=BRAND)
        unit, left, top = big / 32, 0.0, 0.0

    def place(points: list[Point]) -> list[Point]:
        return [(left + x * unit, top + y * unit) for x, y in points]

    pen.polygon(place(flame(5, 6.5, 17.5)), fill=PAPER)
    pen.polygon(place(flame(15, 2.8, 20.5)), fill=GOLD)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ]:
        draw(size, maskable=maskable).save(STATIC / name, optimize=True)
    # Safari's home-screen icon: square and opaque (iOS rounds the corners itself).
    draw(180, maskable=True).convert("RGB").save(STATIC / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
