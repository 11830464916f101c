"""Password rules and bcrypt settings."""

from __future__ import annotations

import pytest

from mentoring_app.services.accounts import passwords
from mentoring_app.settings import Settings


def test_production_default_cost_is_12(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BCRYPT_ROUNDS", raising=False)
    assert Settings.from_env().bcrypt_rounds == 12


def test_hash_uses_configured_cost_and_verifies() -> None:
    hashed = passwords.hash_password("quiet-river-lamp-58")
    assert hashed.startswith("$2b$04$")  # the test suite's cost, from BCRYPT_ROUNDS
    assert passwords.verify_password("quiet-river-lamp-58", hashed)
    assert not passwords.verify_password("quiet-river-lamp-59", hashed)
    assert not passwords.verify_password("anything", "not a bcrypt hash")


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short1!", "Use at least 10 characters."),
        ("password123", "too easy to guess"),
        ("ab" * 37, "at most 72 bytes"),
        ("ü" * 37, "at most 72 bytes"),  # 37 characters, 74 bytes
    ],
)
def test_refused_with_reason(password: str, expected: str) -> None:
    assert expected in (passwords.password_problem(password) or "")


def test_personal_details_count_against_strength() -> None:
    assert passwords.password_problem("margueriteokafor") is None  # strong enough for a stranger
    assert passwords.password_problem("margueriteokafor", user_inputs=["Marguerite Okafor"]) is not None


def test_strong_passwords_accepted_up_to_72_bytes() -> None:
    assert passwords.password_problem("violet-harbour-lantern-42") is None
    seventy_two = "Tr4nsl8-" * 9
    assert len(seventy_two.encode()) == 72
    assert passwords.password_problem(seventy_two) is None


def test_over_long_password_never_verifies_against_its_prefix() -> None:
    prefix = "x7-Qz" * 14 + "ab"  # 72 bytes
    hashed = passwords.hash_password(prefix)
    assert not passwords.verify_password(prefix + "extra", hashed)
    with pytest.raises(ValueError):
        passwords.hash_password(prefix + "extra")
