"""Password rules and hashing: bcrypt (cost from settings, 12 by default) and zxcvbn strength.

bcrypt only reads the first 72 bytes of a password, so longer ones are refused rather than
silently truncated. Verifying always costs exactly one bcrypt check, whatever the outcome.
Hashing is slow on purpose: callers on the event loop run it in a thread.
"""

from __future__ import annotations

import re
import secrets

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


_BCRYPT_HASH = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches the hash, always at the cost of exactly one bcrypt check.

    Every way a log-in can fail (unknown email, no usable hash, over-long password) runs the same
    single ``bcrypt.checkpw`` as a real check, so the answer's timing says nothing about the
    account. An over-long password is checked (its first 72 bytes) but never accepted: bcrypt would
    otherwise let its prefix in.
    """
    encoded = password.encode("utf-8")
    too_long = len(encoded) > MAX_BYTES
    usable = password_hash is not None and _BCRYPT_HASH.fullmatch(password_hash) is not None
    target = password_hash if usable else _decoy_hash()
    matched = bcrypt.checkpw(encoded[:MAX_BYTES], target.encode())  # type: ignore[union-attr]
    return matched and usable and not too_long


_DECOY_HASHES: dict[int, str] = {}


def _decoy_hash() -> str:
    """A real bcrypt hash at the configured cost, of a password nobody types: the timing stand-in."""
    rounds = get_settings().bcrypt_rounds
    if rounds not in _DECOY_HASHES:
        _DECOY_HASHES[rounds] = bcrypt.hashpw(
            secrets.token_bytes(32).hex().encode(), bcrypt.gensalt(rounds=rounds)
        ).decode()
    return _DECOY_HASHES[rounds]


def burn_verification_time(password: str) -> None:
    """Spend one bcrypt check, as a real one would: for paths with no account or no attempt."""
    verify_password(password, None)
