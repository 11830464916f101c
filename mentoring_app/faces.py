"""Faces for members without a photo: their initials on a colour derived from their id.

The colour comes from the member's id alone (never from the name, which can change), spread over
the colour wheel by the golden angle so that neighbouring ids look different, and darkened until
white initials on it reach WCAG AA contrast (4.5:1).
"""

from __future__ import annotations

import colorsys

GOLDEN_ANGLE = 137.508
MIN_CONTRAST = 4.5
NO_LETTERS = "•"  # a name with no letter or digit at all: never a "?"


def initials(name: str) -> str:
    """Up to two initials: the first letter (or digit) of the first and of the last word."""
    words = [w for w in (name or "").split() if any(ch.isalnum() for ch in w)]
    if not words:
        return NO_LETTERS
    firsts = [next(ch for ch in w if ch.isalnum()) for w in (words[0], words[-1])]
    return (firsts[0] + (firsts[1] if len(words) > 1 else "")).upper()


def _luminance(rgb: tuple[float, float, float]) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour: str) -> float:
    rgb = tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 1.05 / (_luminance(rgb) + 0.05)  # type: ignore[arg-type]


def colour(member_id: int) -> str:
    """A background colour (``#rrggbb``) for the member's initials, the same for every viewer."""
    hue = (max(0, int(member_id or 0)) * GOLDEN_ANGLE) % 360 / 360
    lightness = 0.42
    while True:
        r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.55)
        code = "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))
        if contrast_with_white(code) >= MIN_CONTRAST or lightness <= 0.1:
            return code
        lightness -= 0.02
