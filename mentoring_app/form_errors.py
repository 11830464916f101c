"""What a long form says when it is refused: which fields, in the order the page shows them.

A member who saves a long form (My profile) and gets it back must not hunt for what went wrong: a
summary at the top names each field in error with its message, each field shows its own message
beside it, and focus moves to the first field in error. This module is the plain-Python part:
ordering the service's errors by the page's fields, the sentence for the toast, and the small
script (run in the browser, no server event) that puts focus on a field by its element id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import NamedTuple


class FormField(NamedTuple):
    """A field as the page shows it: the error key the service uses, its visible label, and the
    id of the element to focus (an input, or a group whose first input takes the focus)."""

    key: str
    label: str
    element_id: str


class FieldError(NamedTuple):
    key: str
    label: str
    message: str
    element_id: str


def in_page_order(errors: Mapping[str, str], fields: Sequence[FormField]) -> list[FieldError]:
    """The errors in the order their fields appear; errors for fields the page does not list
    come last, under the form's name, so none is dropped."""
    listed = [FieldError(f.key, f.label, errors[f.key], f.element_id) for f in fields if f.key in errors]
    known = {f.key for f in fields}
    listed += [
        FieldError(key, "This form", message, "") for key, message in errors.items() if key not in known
    ]
    return listed


def _names(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def not_saved(what: str, found: Sequence[FieldError]) -> str:
    """The toast: "Your profile was not saved: check Name and Phone number.\""""
    labels = list(dict.fromkeys(e.label for e in found))
    if not labels:
        return f"{what} was not saved."
    return f"{what} was not saved: check {_names(labels)}."


def focus_script(element_id: str) -> str:
    """JavaScript that focuses the element (or the first input inside it) once the page has drawn
    the error messages, so a screen reader reads the field with its message."""
    target = json.dumps(element_id)
    return (
        "requestAnimationFrame(() => setTimeout(() => {"
        f"const el = document.getElementById({target});"
        "const field = el && (el.matches('input, select, textarea') ? el "
        ": el.querySelector('input, select, textarea'));"
        "if (field) { field.focus(); }"
        "}, 0))"
    )
