"""Reading what a browser sent: any payload may be forged, so ids are checked, never trusted."""

from __future__ import annotations

# Ids are 64-bit signed integers in every database we run on; anything larger names no row, and
# passing it on would raise (SQLite: OverflowError; PostgreSQL: out of range) instead of "not found".
MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def as_id(value: object) -> int:
    """A positive whole number within the 64-bit range from the browser, or 0 (matches nothing).

    Only ASCII digits count ("²".isdigit() is true but int() refuses it), and long strings are
    refused before int() (which raises past 4300 digits)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else 0
    if isinstance(value, str) and 0 < len(value) <= _MAX_ID_DIGITS and value.isascii() and value.isdigit():
        number = int(value)
        return number if number <= MAX_ID else 0
    return 0


def id_from_path(path: str) -> int:
    """The id at the end of a route such as ``/relationships/<id>`` (0 when it is not one)."""
    return as_id(path.rstrip("/").rsplit("/", 1)[-1])


def as_flag(value: object) -> bool:
    """True only for a real true (or "true"), so a forged odd value changes nothing surprising."""
    return value is True or value == "true"
