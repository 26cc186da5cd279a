#!/usr/bin/env python3
"""Draw the WorkWell application icon: workwell_desktop/resources/icons/workwell.{png,ico,svg}.

    .venv/bin/python packaging/make_icons.py        # rewrites the three files

An original, deliberately simple mark (a white "W" in a rounded NHS-blue square),
drawn from geometry alone so it needs no font and is the same on every machine.
It is not the NHS logo, which is a registered trade mark and must not be used here.
Licence: CC0 1.0 (public domain dedication); see workwell_desktop/resources/icons/LICENSE.txt.
The SVG is the master for people; the PNG (256 px, the window and the Linux menu)
and the ICO (16-256 px, the Windows executables and Add/Remove Programs) are drawn
by Pillow from the same points, supersampled for smooth edges.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "workwell_desktop" / "resources" / "icons"
BLUE = "#005EB8"  # NHS blue, the service's colour (a colour, not a logo)
WHITE = "#FFFFFF"
VIEW = 256  # design grid
CORNER = 48
# The W as one polyline on the 256 grid, stroked with square joins and a round cap.
W_POINTS = [(52, 72), (90, 188), (128, 100), (166, 188), (204, 72)]
STROKE = 30
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def svg_text() -> str:
    points = " ".join(f"{x},{y}" for x, y in W_POINTS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- WorkWell application icon. CC0 1.0. Drawn by packaging/make_icons.py. -->\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{VIEW}" height="{VIEW}" '
        f'viewBox="0 0 {VIEW} {VIEW}">\n'
        f'  <rect x="0" y="0" width="{VIEW}" height="{VIEW}" rx="{CORNER}" fill="{BLUE}"/>\n'
        f'  <polyline points="{points}" fill="none" stroke="{WHITE}" stroke-width="{STROKE}" '
        'stroke-linejoin="round" stroke-linecap="round"/>\n'
        "</svg>\n"
    )


def draw(size: int):
    from PIL import Image, ImageDraw

    scale = 4 * size / VIEW  # supersample, then shrink: smooth edges at every size
    big = round(size * 4)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(CORNER * scale), fill=BLUE)
    points = [(x * scale, y * scale) for x, y in W_POINTS]
    width = max(1, round(STROKE * scale))
    pen.line(points, fill=WHITE, width=width, joint="curve")
    radius = width / 2
    for x, y in (points[0], points[-1]):  # round caps
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "workwell.svg").write_text(svg_text(), encoding="utf-8")
    draw(256).save(ICONS / "workwell.png", optimize=True)
    draw(256).save(ICONS / "workwell.ico", sizes=ICO_SIZES)
    for name in ("workwell.svg", "workwell.png", "workwell.ico"):
        print(f"wrote {ICONS / name} ({(ICONS / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
