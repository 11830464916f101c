"""Reading what a browser sent: any payload may be forged, so ids are checked, never trusted."""

from __future__ import annotations


def as_id(value: object) -> int:
    """A positive whole number from the browser, or 0 (which matches nothing)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if value > 0 else 0
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def as_flag(value: object) -> bool:
    """True only for a real true (or "true"), so a forged odd value changes nothing surprising."""
    return value is True or value == "true"
