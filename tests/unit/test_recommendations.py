"""Recommended for you (issue 12, part 4): the top three mentors for a mentee's saved criteria, the
nudge when they saved none, what Home pays for it in SQL statements, and the decline form's
suggestions ranked by fit for the mentee."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.services.discovery import profiles, recommendations, shortlist
from mentoring_app.services.errors import NotAllowed, NotFound
from mentoring_app.services.mentoring import relationships
from mentoring_app.state.home import _cards, _home_data
from tests.unit.test_matching import _option, add_mentor

TEXT = "I would like help with legal translation into Spanish, and with finding direct clients."


@contextmanager
def counted(db: Session) -> Iterator[list[str]]:
    """The SQL statements run on the session's connection inside the block."""
    statements: list[str] = []
    engine = db.get_bind()

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def options(db: Session) -> dict[str, int]:
    return {
        "nw": _option(db, "region", "North West"),
        "wales": _option(db, "region", "Wales"),
        "spanish": _option(db, "languages", "Spanish"),
        "french": _option(db, "languages", "French"),
        "legal": _option(db, "specialisms", "Legal translation"),
    }


def _mentee_looking_for(
    db: Session, make_member, criteria: dict[str, list[int]], role: str = "mentee"
) -> User:
    mentee = make_member(role=role)
    profiles.save_sought_criteria(db, actor=mentee, criteria=criteria)
    return mentee


def _offer_as_mentor(db: Session, member: User, option_ids: list[int]) -> None:
    """Make a member who is both a mentor and a mentee offered in Find mentor, as a perfect match."""
    profile = db.get(Profile, member.id)
    assert profile is not None
    profile.mentor_matchable, profile.available, profile.capacity, profile.offered = True, True, 2, True
    db.add(profile)
    db.add_all(
        MemberCriterion(user_id=member.id, side=MENTOR_SIDE, option_id=i, offered=True) for i in option_ids
    )
    db.commit()


def test_top_three_for_the_saved_criteria_best_first_with_why(db: Session, make_member, options) -> None:
    o = options
    mentee = _mentee_looking_for(
        db,
        make_member,
        {"region": [o["nw"]], "languages": [o["spanish"], o["french"]], "specialisms": [o["legal"]]},
    )
    four = add_mentor(db, [o["nw"], o["spanish"], o["french"], o["legal"]], name="Fiona Four")
    three = add_mentor(db, [o["nw"], o["spanish"], o["legal"]], name="Theo Three")
    two = add_mentor(db, [o["nw"], o["legal"]], name="Tess Two")
    one = add_mentor(db, [o["french"]], name="Olly One")
    add_mentor(db, [o["wales"]], name="Nina None")

    found = recommendations.recommend(db, viewer=mentee)

    assert found.has_criteria
    assert [m.user_id for m in found.mentors] == [four, three, two]
    assert one not in {m.user_id for m in found.mentors}
    theo = found.mentors[1]
    assert recommendations.why_lines(theo) == (
        f"Fit {theo.fit} %",
        "Region: North West",
        "Languages: Spanish",
        "Specialisms: Legal translation",
        *(f"Missing (important): {line}" for line in theo.missing),
    )
    assert 0 < theo.fit < found.mentors[0].fit == 100
    assert recommendations.fit_reason(found.mentors[2]) == "matches Region, Specialisms"
    assert found.saved == frozenset()
    shortlist.save_mentor(db, actor=mentee, mentor_id=three)
    assert recommendations.recommend(db, viewer=mentee).saved == {three}


def test_leaves_out_self_unavailable_full_and_mentors_already_asked(
    db: Session, make_member, options
) -> None:
    o = options
    both = _mentee_looking_for(
        db, make_member, {"region": [o["nw"]], "languages": [o["spanish"]]}, role="both"
    )
    _offer_as_mentor(db, both, [o["nw"], o["spanish"]])  # would top their own list
    asked = add_mentor(db, [o["nw"], o["spanish"]], name="Ada Asked")
    add_mentor(db, [o["nw"], o["spanish"]], name="Una Unavailable", available=False)
    add_mentor(db, [o["nw"], o["spanish"]], name="Fay Full", capacity=0)
    add_mentor(db, [o["nw"], o["spanish"]], name="Ian Inactive", active=False)
    kept = add_mentor(db, [o["nw"]], name="Kim Kept")
    relationships.send_request(db, actor=both, mentor_id=asked, text=TEXT)

    found = recommendations.recommend(db, viewer=both)

    assert [m.user_id for m in found.mentors] == [kept]
    assert both.id not in {m.user_id for m in found.mentors}


def test_no_saved_criteria_means_a_nudge_not_a_list(db: Session, make_member, options) -> None:
    mentee = make_member(role="mentee")
    add_mentor(db, [options["nw"]], name="Any Mentor")
    with counted(db) as statements:
        found = recommendations.recommend(db, viewer=mentee)
    assert found == recommendations.Recommendations(mentors=(), has_criteria=False)
    assert len(statements) == 1  # the saved criteria, and nothing else


def test_only_active_mentees_get_recommendations(db: Session, make_member) -> None:
    with pytest.raises(NotAllowed):
        recommendations.recommend(db, viewer=make_member(role="mentor"))
    with pytest.raises(NotAllowed):
        recommendations.recommend(db, viewer=None)


def test_home_pays_a_bounded_number_of_statements_and_only_for_mentees_looking(
    db: Session, make_member, options
) -> None:
    o = options
    mentee = _mentee_looking_for(db, make_member, {"region": [o["nw"]], "languages": [o["spanish"]]})
    for n in range(30):
        add_mentor(db, [o["nw"], o["spanish"]] if n % 2 else [o["nw"]], name=f"Mentor {n:02}")
    recommendations.recommend(db, viewer=mentee)  # the process's index and vocabulary are warm
    with counted(db) as alone:
        found = recommendations.recommend(db, viewer=mentee)
    assert len(found.mentors) == 3
    assert len(alone) <= 5, alone
    with counted(db) as with_them:
        data = _home_data(db, mentee)
    with counted(db) as without:
        _home_data(db, mentee, recommend=False)
    assert data is not None and data[3] is not None and len(data[3].mentors) == 3
    assert len(with_them) - len(without) <= 5
    mentor_only = db.get(User, add_mentor(db, [o["wales"]]))
    assert mentor_only is not None
    assert _home_data(db, mentor_only)[3] is None  # type: ignore[index]


def test_suggestions_are_ranked_by_fit_for_this_mentee_then_the_rest_by_name(
    db: Session, make_member, options
) -> None:
    o = options
    mentee = _mentee_looking_for(db, make_member, {"region": [o["nw"]], "languages": [o["spanish"]]})
    declining = add_mentor(db, [o["wales"], o["french"]], name="Dora Declining")
    best = add_mentor(db, [o["nw"], o["spanish"]], name="Zoe Best")
    good = add_mentor(db, [o["spanish"]], name="Yan Good")
    rest = add_mentor(db, [o["wales"]], name="Abe Unmatched")
    add_mentor(db, [o["nw"]], name="Pam Paused", available=False)
    rel = relationships.send_request(db, actor=mentee, mentor_id=declining, text=TEXT)
    mentor = db.get(User, declining)

    choices = relationships.suggestion_candidates(db, actor=mentor, request_id=rel.id)

    assert [(c.mentor_id, c.reason) for c in choices] == [
        (best, "matches Region, Languages"),
        (good, "matches Languages"),
        (rest, ""),
    ]
    assert (
        relationships.decline_request(
            db, actor=mentor, request_id=rel.id, reason="better_mentor", suggested_mentor_id=best
        )
        is None
    )


def test_without_saved_criteria_suggestions_rank_like_the_declined_mentor(
    db: Session, make_member, options
) -> None:
    o = options
    mentee = make_member(role="mentee")
    declining = add_mentor(db, [o["wales"], o["french"], o["legal"]], name="Dora Declining")
    alike = add_mentor(db, [o["wales"], o["french"]], name="Zak Alike")
    bit = add_mentor(db, [o["legal"]], name="Yvo Bit")
    other = add_mentor(db, [o["nw"]], name="Abe Other")
    rel = relationships.send_request(db, actor=mentee, mentor_id=declining, text=TEXT)

    choices = relationships.suggestion_candidates(db, actor=db.get(User, declining), request_id=rel.id)

    assert [c.mentor_id for c in choices] == [alike, bit, other]
    assert choices[0].reason == "matches Region, Languages"
    assert declining not in {c.mentor_id for c in choices}
    assert mentee.id not in {c.mentor_id for c in choices}


def test_only_the_requests_mentor_sees_its_suggestions(db: Session, make_member, options) -> None:
    mentee = make_member(role="mentee")
    declining = add_mentor(db, [options["nw"]])
    stranger = db.get(User, add_mentor(db, [options["nw"]]))
    rel = relationships.send_request(db, actor=mentee, mentor_id=declining, text=TEXT)
    with pytest.raises((NotFound, NotAllowed)):
        relationships.suggestion_candidates(db, actor=stranger, request_id=rel.id)
    with pytest.raises((NotFound, NotAllowed)):
        relationships.suggestion_candidates(db, actor=mentee, request_id=rel.id)


def test_home_cards_and_who_sees_them(db: Session, make_member, options) -> None:
    o = options
    mentee = _mentee_looking_for(db, make_member, {"region": [o["nw"]], "languages": [o["spanish"]]})
    first = add_mentor(db, [o["nw"], o["spanish"]], name="Ana Álvarez", headline="Legal translator")
    add_mentor(db, [o["nw"]], name="Bo Second")
    shortlist.save_mentor(db, actor=mentee, mentor_id=first)

    data = _home_data(db, mentee)
    assert data is not None and data[3] is not None
    cards = _cards(data[3])
    assert [c["name"] for c in cards] == ["Ana Álvarez", "Bo Second"]
    assert cards[0] == {
        "id": first,
        "name": "Ana Álvarez",
        "headline": "Legal translator",
        "photo": "",
        "initials": "AÁ",
        "colour": cards[0]["colour"],
        "places": "North West · Spanish",
        "why": ["Fit 100 %", "Region: North West", "Languages: Spanish"],
        "profile_url": f"/members/{first}",
        "saved": True,
    }
    assert cards[1]["saved"] is False
    assert cards[1]["why"] == ["Fit 50 %", "Region: North West", "Missing (important): Languages: Spanish"]

    # Once the mentee has a mentor, Home leads with the relationship: no recommendations read.
    relationships.accept_request(
        db,
        actor=db.get(User, first),
        request_id=relationships.send_request(db, actor=mentee, mentor_id=first, text=TEXT).id,
    )
    with counted(db) as statements:
        matched = _home_data(db, mentee)
    assert matched is not None and matched[2].matched_mentee and matched[3] is None
    assert not any("matching_version" in s for s in statements)
