"""Draw the integration's brand images into custom_components/telco/brand/ (needs Pillow).

    /work/main/.venv-2026.2/bin/python scripts/brand_images.py

A white telephone handset with three signal arcs on a teal rounded square (the icon), and
the icon beside the word "telco" (the logo, with a light variant for dark themes). No
operator's mark: the integration serves two operators and belongs to neither. Home
Assistant 2026.3 and later show these for a custom integration; the sizes follow the
brands repository's rules (icon 256 and 512 px square, logo 128 and 256 px high).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "telco" / "brand"
SUPERSAMPLE = 4  # drawn this much larger, then reduced: smooth edges
TOP, BOTTOM = (0, 150, 136), (0, 96, 100)  # teal, darker at the bottom
WHITE = (255, 255, 255, 255)
INK = {"logo": (38, 50, 56, 255), "dark_logo": (236, 239, 241, 255)}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def icon(size: int) -> Image.Image:
    """Return the square icon, ``size`` pixels a side, on a transparent background."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    gradient = Image.new("RGBA", (big, big))
    for y in range(big):
        mix = y / (big - 1)
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(TOP, BOTTOM, strict=True))
        gradient.paste((*colour, 255), (0, y, big, y + 1))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=255)
    image.paste(gradient, (0, 0), mask)
    handset(ImageDraw.Draw(image), big)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def handset(draw: ImageDraw.ImageDraw, side: float) -> None:
    """Draw the handset and its signal arcs, in units of the icon's side."""

    def at(x: float, y: float) -> tuple[float, float]:
        return x * side, y * side

    # The handset is a quarter of a ring around (cx, cy), bulging to the lower left, with
    # the earpiece at its left end and the mouthpiece at its bottom end.
    cx, cy, radius, band = 0.62, 0.38, 0.40, 0.12
    outer = radius + band / 2
    ring = (*at(cx - outer, cy - outer), *at(cx + outer, cy + outer))
    draw.arc(ring, start=92, end=178, fill=WHITE, width=round(band * side))
    # The cups stand inwards from the band (depth) and past its ends (beyond).
    depth, beyond, back = band + 0.075, 0.13, 0.07
    earpiece = (*at(cx - outer, cy - beyond), *at(cx - outer + depth, cy + back))
    mouthpiece = (*at(cx - back, cy + outer - depth), *at(cx + beyond, cy + outer))
    for box in (earpiece, mouthpiece):
        draw.rounded_rectangle(box, radius=0.045 * side, fill=WHITE)
    # Three arcs of signal in the quarter the handset opens to, with round ends.
    stroke = 0.042
    for step in (1, 2, 3):
        r = 0.085 * step + 0.02
        box = (*at(cx - r, cy - r), *at(cx + r, cy + r))
        draw.arc(box, start=-85, end=-5, fill=WHITE, width=round(stroke * side))
        middle = r - stroke / 2  # Pillow strokes an arc inwards from its box
        for angle in (-85, -5):
            x = cx + middle * math.cos(math.radians(angle))
            y = cy + middle * math.sin(math.radians(angle))
            half = stroke / 2
            draw.ellipse((*at(x - half, y - half), *at(x + half, y + half)), fill=WHITE)


def logo(height: int, ink: tuple[int, int, int, int]) -> Image.Image:
    """Return the icon and the word "telco" side by side, ``height`` pixels high."""
    big = height * SUPERSAMPLE
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(FONT, big * 0.62)
    except OSError:
        font = ImageFont.load_default(big * 0.62)
    word = "telco"
    left, top, right, bottom = font.getbbox(word)
    gap = big * 0.18
    width = round(big + gap + (right - left) + big * 0.02)
    image = Image.new("RGBA", (width, big), (0, 0, 0, 0))
    image.paste(icon(big), (0, 0))
    text_y = (big - (bottom - top)) / 2 - top
    ImageDraw.Draw(image).text((big + gap - left, text_y), word, font=font, fill=ink)
    return image.resize((round(width / SUPERSAMPLE), height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every brand image."""
    BRAND.mkdir(parents=True, exist_ok=True)
    images = {"icon.png": icon(256), "icon@2x.png": icon(512)}
    for name, ink in INK.items():
        images[f"{name}.png"] = logo(128, ink)
        images[f"{name}@2x.png"] = logo(256, ink)
    for name, image in images.items():
        image.save(BRAND / name, optimize=True)
        print(f"{BRAND / name}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
