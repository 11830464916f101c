"""Password rules and hashing: bcrypt (cost from settings, 12 by default) and zxcvbn strength.

bcrypt only reads the first 72 bytes of a password, so longer ones are refused rather than
silently truncated. Hashing is slow on purpose: callers on the event loop run it in a thread.
"""

from __future__ import annotations

import re

import bcrypt
from zxcvbn import zxcvbn

from mentoring_app.settings import get_settings

MIN_LENGTH = 10
MAX_BYTES = 72
MIN_SCORE = 3


def password_problem(password: str, *, user_inputs: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password.encode("utf-8")) > MAX_BYTES:
        return (
            f"Use at most {MAX_BYTES} bytes: that is {MAX_BYTES} plain letters or digits, "
            "fewer with accented letters or symbols."
        )
    result = zxcvbn(password, user_inputs=_personal_words(user_inputs))
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    reason = (feedback.get("warning") or "").strip()
    suggestions = " ".join(feedback.get("suggestions") or []).strip()
    parts = ["This password is too easy to guess."]
    if reason:
        parts.append(reason if reason.endswith(".") else reason + ".")
    parts.append(suggestions or "Add more words or characters that are hard to guess.")
    return " ".join(parts)


def _personal_words(values: list[str] | tuple[str, ...]) -> list[str]:
    """Names and emails, whole and in pieces, so a password made of them scores as weak."""
    words: set[str] = set()
    for value in values:
        value = value.strip().casefold()
        if not value:
            continue
        words.add(value)
        words.update(part for part in re.split(r"[\s@._+-]+", value) if len(part) >= 3)
    return sorted(words)


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (which must already have passed the length rule)."""
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_BYTES:
        raise ValueError("password longer than bcrypt can hash")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(rounds=get_settings().bcrypt_rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the hash. Over-long passwords never match."""
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False


_DUMMY_HASH: str | None = None


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so an unknown email answers as slowly as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not a real password, only a timing decoy")
    verify_password(password[:MAX_BYTES], _DUMMY_HASH)
