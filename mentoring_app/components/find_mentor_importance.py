"""Find mentor's importance controls and the fit and why-lines of a result card.

Why apart from pages/find_mentor.py: the page is long already, and these pieces read the same
weights (services/discovery/importance.py) wherever they are drawn. Must match is the field's
Exact match checkbox (its accessible name "Exact match: Region" stays, for links and habits);
this adds the Important / Nice to have choice beside it."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.services.discovery import importance
from mentoring_app.state.criteria_picker import FieldView
from mentoring_app.state.find_mentor import FindMentorState, ResultView

SMALL_LABEL = {"font_size": "0.85rem", "display": "block", "margin_bottom": "0.2rem"}
W = importance.WEIGHTS


def importance_choice(f: rx.Var[FieldView]) -> rx.Component:
    """Important or Nice to have, as two radio buttons in a group named "Importance: Region" (a
    group, so the field's own controls keep their names to themselves). Sent with the form, so a
    change searches again by itself."""
    key = f["key"].to(str)
    nice = FindMentorState.nice_keys.contains(key)
    return rx.el.fieldset(
        rx.el.legend("Importance: " + f["label"].to(str), style=SMALL_LABEL),
        rx.flex(
            _radio(key, importance.IMPORTANT, ~nice),
            _radio(key, importance.NICE, nice),
            wrap="wrap",
            gap="0.25rem 1rem",
        ),
        style={"border": "none", "padding": "0", "margin": "0.4rem 0 0 0"},
    )


def _radio(key: rx.Var[str], level: str, checked: rx.Var[bool]) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="radio", name="importance_" + key, value=level, default_checked=checked),
        f"{importance.LABELS[level]} (counts {W[level]})",
        style={"display": "inline-flex", "gap": "0.4rem", "align_items": "center", "font_size": "0.9rem"},
    )


def weights_explained() -> rx.Component:
    return rx.text(importance.EXPLAINED, size="2", color=style.MUTED_COLOR)


def fit_and_why(result: rx.Var[ResultView]) -> rx.Component:
    """ "Fit 82 % · Matches 3 of 4 criteria", and the Important criteria the mentor does not meet
    (the matched ones follow as badges)."""
    fit = result["fit"].to(str)
    missing = result["missing"].to(str)
    return rx.fragment(
        rx.cond(
            fit,
            rx.text(fit, " · ", result["match_line"].to(str), weight="bold", size="2"),
        ),
        rx.cond(missing, rx.text(missing, size="2", color=style.MUTED_COLOR)),
    )


def saved_note() -> rx.Component:
    """What Save these criteria saved, once the database has it (a polite live region)."""
    return rx.el.div(
        rx.cond(FindMentorState.saved_note, rx.text(FindMentorState.saved_note, size="2")),
        role="status",
        aria_live="polite",
        width="100%",
    )
