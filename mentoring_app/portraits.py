"""Portrait-style avatars for the demo data, drawn here with Pillow: offline and deterministic.

``portrait_png(seed)`` always gives the same picture for the same seed (no clock, no network, no
global random state): a head and shoulders on a soft background, with one of several skin tones,
hair colours and styles, and sometimes glasses. Drawn at twice the size and scaled down, so edges
are smooth. The demo stores them like uploaded photos (storage.store_photo).
"""

from __future__ import annotations

import random
from io import BytesIO

from PIL import Image, ImageDraw

SIZE = 256
SKIN = ("#f5d6c0", "#eac2a1", "#d9a47c", "#c08560", "#9a6440", "#70462c", "#4f311f")
HAIR = ("#1f1a17", "#3b2a20", "#5a3b26", "#8a5a32", "#b8864b", "#d8b66c", "#9a9a9a", "#e0e0e0", "#7a2e1f")
BACKGROUND = ("#dbe7f3", "#e5ddf0", "#f3e3d3", "#dcefe4", "#f0dbe1", "#e8ecd5", "#d6e9ee", "#efe6cf")
CLOTHES = ("#2f4b7c", "#665191", "#a05195", "#d45087", "#2a9d8f", "#264653", "#e76f51", "#5c677d", "#8d6e63")
HAIR_STYLES = ("short", "short", "long", "long", "bob", "bun", "cropped", "cropped", "none")


def _darker(colour: str, by: float = 0.78) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * by) for c in (r, g, b)))


def portrait_png(seed: int, size: int = SIZE) -> bytes:
    """A deterministic head-and-shoulders portrait as PNG bytes."""
    rng = random.Random(f"portrait-{seed}")
    skin, hair = rng.choice(SKIN), rng.choice(HAIR)
    style = rng.choice(HAIR_STYLES)
    clothes, background = rng.choice(CLOTHES), rng.choice(BACKGROUND)
    glasses = rng.random() < 0.25
    big = size * 2
    image = Image.new("RGB", (big, big), background)
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * big), round(y0 * big), round(x1 * big), round(y1 * big))

    head_w = rng.uniform(0.34, 0.40)
    head_h = head_w * rng.uniform(1.15, 1.28)
    cx, top = 0.5, rng.uniform(0.16, 0.22)
    head = box(cx - head_w / 2, top, cx + head_w / 2, top + head_h)
    if style in ("long", "bob"):  # hair that falls behind the head and shoulders
        length = 0.42 if style == "long" else 0.22
        draw.rounded_rectangle(
            box(cx - head_w / 2 - 0.05, top - 0.02, cx + head_w / 2 + 0.05, top + head_h * 0.5 + length),
            radius=round(0.12 * big),
            fill=hair,
        )
    # Shoulders, then the neck, then the head over them.
    draw.ellipse(box(0.08, 0.72, 0.92, 1.35), fill=clothes)
    draw.rectangle(box(cx - 0.07, top + head_h * 0.8, cx + 0.07, 0.80), fill=skin)
    draw.ellipse(box(cx - 0.09, 0.70, cx + 0.09, 0.82), fill=skin)
    draw.ellipse(head, fill=skin)
    if style in ("short", "long", "bob", "bun", "cropped"):
        depth = {"short": 0.42, "long": 0.40, "bob": 0.45, "bun": 0.36, "cropped": 0.30}[style]
        draw.chord(
            box(cx - head_w / 2 - 0.015, top - 0.03, cx + head_w / 2 + 0.015, top + head_h * depth * 2),
            180,
            360,
            fill=hair,
        )
        if style == "bun":
            draw.ellipse(box(cx - 0.08, top - 0.11, cx + 0.08, top + 0.04), fill=hair)
    # Eyes, brows, a nose hint and a smile.
    eye_y = top + head_h * 0.5
    for side in (-1, 1):
        ex = cx + side * head_w * 0.2
        draw.ellipse(box(ex - 0.018, eye_y - 0.018, ex + 0.018, eye_y + 0.018), fill="#2a2422")
        draw.line(
            box(ex - 0.035, eye_y - 0.05, ex + 0.035, eye_y - 0.055), fill=hair, width=max(2, big // 90)
        )
        if glasses:
            draw.ellipse(
                box(ex - 0.055, eye_y - 0.045, ex + 0.055, eye_y + 0.045), outline="#333333", width=big // 110
            )
    if glasses:
        draw.line(box(cx - 0.025, eye_y, cx + 0.025, eye_y), fill="#333333", width=big // 110)
    draw.line(box(cx, eye_y + 0.03, cx - 0.012, eye_y + 0.085), fill=_darker(skin), width=max(2, big // 120))
    mouth_y = top + head_h * 0.74
    draw.arc(
        box(cx - 0.06, mouth_y - 0.04, cx + 0.06, mouth_y + 0.03), 20, 160, fill="#8a3b36", width=big // 90
    )
    picture = image.resize((size, size), Image.Resampling.LANCZOS)
    out = BytesIO()
    picture.save(out, format="PNG", optimize=False)
    return out.getvalue()
