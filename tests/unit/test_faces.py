"""Faces without a photo: initials (never a "?") on a colour from the member's id, readable."""

from __future__ import annotations

from mentoring_app import faces


def test_initials_take_the_first_and_last_words() -> None:
    assert faces.initials("Sam Mentee") == "SM"
    assert faces.initials("maria de la Cruz") == "MC"
    assert faces.initials("Ólafur") == "Ó"
    assert faces.initials("  (Jo)  'Brand' ") == "JB"
    assert faces.initials("Former member") == "FM"


def test_initials_are_never_a_question_mark() -> None:
    for name in ("", "   ", "???", "-- --", "?"):
        assert faces.initials(name) == faces.NO_LETTERS
        assert "?" not in faces.initials(name)


def test_colour_comes_from_the_id_alone_and_differs_between_neighbours() -> None:
    assert faces.colour(7) == faces.colour(7)
    codes = [faces.colour(i) for i in range(1, 13)]
    assert all(len(c) == 7 and c.startswith("#") for c in codes)
    assert len(set(codes)) == len(codes)


def test_white_initials_are_readable_on_every_colour() -> None:
    for member_id in range(0, 3000):
        assert faces.contrast_with_white(faces.colour(member_id)) >= 4.5
