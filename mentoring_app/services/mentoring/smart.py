"""The SMART goal tool: its five parts as the tool explains them, and the checks that say what a
goal is missing. Plain rules with no database: goals.py uses them when a goal is proposed or
edited, the dashboard shows the parts beside the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MIN_PART = 10
MAX_SPECIFIC = 300
MAX_PART = 500

NO_EVIDENCE = "Add a number or a date to show success, such as “2 signed contracts” or “by June”."


@dataclass(frozen=True)
class SmartPart:
    """One letter of SMART, as the goal tool explains it, and what a check says is missing (the
    explanation and example stand beside the field already: a message repeating them helps no one)."""

    key: str
    letter: str
    label: str
    explanation: str
    example: str
    missing: str  # when the part is empty
    thin: str = ""  # when it is there but too short to say much


SMART: tuple[SmartPart, ...] = (
    SmartPart(
        "specific",
        "S",
        "Specific",
        "Say exactly what you want to achieve, in one sentence someone else would understand.",
        "Win two direct clients for legal translation from French into English.",
        "Add what you want to achieve.",
        "Add more detail: what exactly, for whom or where.",
    ),
    SmartPart(
        "measurable",
        "M",
        "Measurable",
        "Say how you will see success: a number, a date or something you can point to.",
        "Two signed contracts, each worth at least £1,000 a year.",
        NO_EVIDENCE,
        NO_EVIDENCE,
    ),
    SmartPart(
        "achievable",
        "A",
        "Achievable",
        "Say why this is within reach, and what you will need (time, training, contacts).",
        "I already translate contracts for two agencies; I can give it four hours a week.",
        "Add why this is within reach.",
        "Add what puts it within reach: the time, training or contacts you have.",
    ),
    SmartPart(
        "relevant",
        "R",
        "Relevant",
        "Say why this goal matters for your work and where you want to be.",
        "Direct clients pay better and let me specialise in commercial law, as I want to.",
        "Add why this goal matters for your work.",
        "Add more on why it matters: where it takes your work.",
    ),
    SmartPart(
        "target_date",
        "T",
        "Time-bound",
        "Choose a target date: close enough to keep you going, far enough to be realistic.",
        "By 30 June, six months from now.",
        "Choose a target date.",
    ),
)

# The measurable part should say how success will be seen. The check is a simple heuristic, not
# a judge: a digit (a number, a date, a percentage) or one of these words is enough.
_EVIDENCE_WORDS = frozenset(
    {
        "by",
        "when",
        "count",
        "number",
        "percent",
        "signed",
        "published",
        "passed",
        "completed",
        "complete",
        "submitted",
        "achieved",
        "delivered",
        "launched",
        "accepted",
        "sent",
        "finished",
        "per",
        "each",
        "every",
        "times",
        "least",
        "most",
        "hours",
        "clients",
        "contracts",
        "words",
        "pages",
        "sessions",
        "certificate",
        "qualified",
        "chartered",
        "pass",
        "mark",
        "grade",
        "score",
        "exam",
        "diploma",
        "accredited",
        "registered",
        "invoiced",
        "twice",
        # Numbers in words: "two direct clients", "one article a month".
        *(
            [
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "twenty",
                "fifty",
                "hundred",
            ]
        ),
    }
)
_WORD = re.compile(r"[a-z]+")


def _says_how_success_is_seen(text: str) -> bool:
    return (
        any(ch.isdigit() for ch in text)
        or "%" in text
        or bool(set(_WORD.findall(text.casefold())) & _EVIDENCE_WORDS)
    )


def parse_date(value: date | str | None) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def validate_goal(
    *,
    specific: str,
    measurable: str,
    achievable: str,
    relevant: str,
    target_date: date | str | None,
    today: date,
) -> dict[str, str]:
    """Per-field messages saying what is missing from a SMART goal; empty when the goal is fine."""
    errors: dict[str, str] = {}
    for part, value, limit in (
        (SMART[0], specific, MAX_SPECIFIC),
        (SMART[1], measurable, MAX_PART),
        (SMART[2], achievable, MAX_PART),
        (SMART[3], relevant, MAX_PART),
    ):
        text = value.strip()
        if not text:
            errors[part.key] = part.missing
        elif len(text) < MIN_PART:
            errors[part.key] = f"{part.thin} (At least {MIN_PART} characters; this has {len(text)}.)"
        elif len(text) > limit:
            errors[part.key] = f"Use at most {limit:,} characters (this has {len(text):,})."
    if "measurable" not in errors and not _says_how_success_is_seen(measurable):
        errors["measurable"] = NO_EVIDENCE
    when = parse_date(target_date)
    if when is None:
        errors["target_date"] = "Choose a target date."
    elif when <= today:
        errors["target_date"] = "Choose a target date in the future."
    elif when.year > today.year + 5:
        errors["target_date"] = "Choose a target date within five years: break longer aims into steps."
    return errors
