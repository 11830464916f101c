"""A member's face: their photo, or their initials on their own colour (mentoring_app/faces.py).

Either way the face has the member's name as its accessible text, so a screen reader hears who it
is, not "question mark" or nothing.

Faces in a list (Find mentor's results and shortlist, Home's suggestions) are fetched at low
priority: they are small beside the names and words a member reads first, and on a phone's slow
connection they should not take bandwidth from the page's own code and data.
"""

from __future__ import annotations

import reflex as rx


def member_face(
    *,
    name: rx.Var[str] | str,
    photo: rx.Var[str] | str,
    initials: rx.Var[str] | str,
    colour: rx.Var[str] | str,
    size: str = "64px",
    in_list: bool = False,
) -> rx.Component:
    """``photo`` is the photo's URL ("" when there is none); ``in_list`` for a face among many."""
    return rx.cond(
        photo,
        rx.image(
            src=photo,
            alt="Photo of " + name,
            width=size,
            height=size,
            border_radius="50%",
            object_fit="cover",
            flex_shrink="0",
            custom_attrs={"fetchPriority": "low", "decoding": "async"} if in_list else {},
        ),
        rx.el.div(
            rx.el.span(initials, aria_hidden="true"),
            role="img",
            aria_label=name,
            style={
                "width": size,
                "height": size,
                "min_width": size,
                "border_radius": "50%",
                "background": colour,
                "color": "#ffffff",
                "display": "flex",
                "align_items": "center",
                "justify_content": "center",
                "font_weight": "600",
                "font_size": f"calc({size} * 0.38)",
                "letter_spacing": "0.02em",
                "user_select": "none",
            },
        ),
    )
