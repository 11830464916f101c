"""The profile service: validation, completeness, who may see and edit what."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from mentoring_app.models import Profile
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed


def _ids(db: Session, key: str, *labels: str) -> list[int]:
    spec = next(f for f in load_fields(db) if f.key == key)
    return [spec.find(label).id for label in labels]  # type: ignore[union-attr]


def _complete_mentor(db: Session) -> profiles.ProfileChanges:
    return profiles.ProfileChanges(
        name="Maria Mentor",
        headline="Legal translator, Spanish and Portuguese into English",
        bio="Twenty years in legal translation.",
        capacity="3",
        available=True,
        contact_email="maria.contact@example.org",
        phone="+44 161 496 0000",
        preferred="phone",
        mentor_criteria={
            "region": _ids(db, "region", "North West"),
            "languages": _ids(db, "languages", "Spanish", "Portuguese", "British Sign Language"),
            "specialisms": _ids(db, "specialisms", "Legal translation"),
        },
    )


def test_vocabulary_defaults_are_seeded(db: Session) -> None:
    fields = {f.key: f for f in load_fields(db)}
    assert list(fields) == [
        "region",
        "languages",
        "specialisms",
        "areas_of_support",
        "membership_grade",
        "years_experience",
        "mentoring_format",
    ]
    assert len(fields["region"].choices) == 13 and not fields["region"].multiple
    assert len(fields["languages"].choices) > 150 and fields["languages"].multiple
    assert fields["languages"].find("british sign language") is not None
    assert next(c.label for c in fields["years_experience"].choices) == "Less than 2"


def test_new_profile_starts_with_account_email_and_is_incomplete(db: Session, make_member) -> None:
    mentor = make_member(role="mentor", email="m@example.org")
    own = profiles.own_profile(db, actor=mentor)
    assert own.contact_email == "m@example.org"
    assert own.capacity == 2 and own.available
    assert not own.completeness.mentor_matchable
    assert "Add your region" in [m.label for m in own.completeness.missing]


def test_complete_mentor_becomes_matchable(db: Session, make_member) -> None:
    mentor = make_member(role="mentor")
    own = profiles.update_profile(db, actor=mentor, user_id=mentor.id, changes=_complete_mentor(db))
    assert own.completeness.mentor_matchable
    assert not [m for m in own.completeness.missing if m.needed_to_match]
    assert db.get(Profile, mentor.id).mentor_matchable
    assert own.phone == "+44 161 496 0000" and own.preferred == "phone"
    # Capacity 0 makes them unmatchable again.
    changes = _complete_mentor(db)
    changes.capacity = "0"
    assert not profiles.update_profile(
        db, actor=mentor, user_id=mentor.id, changes=changes
    ).completeness.mentor_matchable


def test_validation_names_each_field_and_saves_nothing(db: Session, make_member) -> None:
    mentor = make_member(role="both")
    before = profiles.own_profile(db, actor=mentor)
    bad = profiles.ProfileChanges(
        name="",
        headline="h" * 121,
        bio="b" * 2001,
        capacity="11",
        contact_email="not an email",
        phone="call me maybe",
        preferred="pigeon",
        mentor_criteria={"region": _ids(db, "region", "London", "Wales"), "languages": [999_999]},
        mentee_criteria={"nonsense": [1]},
    )
    with pytest.raises(ValidationFailed) as caught:
        profiles.update_profile(db, actor=mentor, user_id=mentor.id, changes=bad)
    assert set(caught.value.errors) == {
        "name",
        "headline",
        "bio",
        "capacity",
        "contact_email",
        "phone",
        "preferred",
        "mentor__region",
        "mentor__languages",
        "mentee__nonsense",
    }
    assert "at most 120" in caught.value.errors["headline"]
    assert profiles.own_profile(db, actor=mentor) == before


def test_phone_needed_when_preferred(db: Session, make_member) -> None:
    member = make_member(role="mentee")
    changes = profiles.ProfileChanges(name="Sam", contact_email="s@example.org", preferred="text")
    with pytest.raises(ValidationFailed) as caught:
        profiles.update_profile(db, actor=member, user_id=member.id, changes=changes)
    assert "Add a phone number" in caught.value.errors["phone"]


def test_no_one_edits_another_profile(db: Session, make_member) -> None:
    owner, other = make_member(role="mentor"), make_member(role="mentor")
    with pytest.raises(NotAllowed):
        profiles.update_profile(db, actor=other, user_id=owner.id, changes=_complete_mentor(db))
    with pytest.raises(NotAllowed):
        profiles.update_profile(db, actor=None, user_id=owner.id, changes=_complete_mentor(db))


def test_public_profile_has_no_contact_details(db: Session, make_member) -> None:
    mentor, viewer = make_member(role="mentor"), make_member(role="mentee")
    profiles.update_profile(db, actor=mentor, user_id=mentor.id, changes=_complete_mentor(db))
    public = profiles.public_profile(db, viewer=viewer, user_id=mentor.id)
    assert public.headline.startswith("Legal translator")
    assert ("Languages", ("Portuguese", "Spanish", "British Sign Language")) in public.mentor_criteria or any(
        label == "Languages" and set(values) == {"Spanish", "Portuguese", "British Sign Language"}
        for label, values in public.mentor_criteria
    )
    text = repr(public)
    assert "maria.contact@example.org" not in text and "496 0000" not in text
    with pytest.raises(NotAllowed):
        profiles.public_profile(db, viewer=None, user_id=mentor.id)
    with pytest.raises(NotFound):
        profiles.public_profile(db, viewer=viewer, user_id=987654)


def test_contact_details_for_owner_and_admin_only(db: Session, make_member) -> None:
    from mentoring_app.services.staff import admin

    mentor, stranger = make_member(role="mentor"), make_member(role="mentee")
    boss = admin.create_admin(db, email="boss@example.org", password="steady-quill-harbor-3", name="Boss")[0]
    profiles.update_profile(db, actor=mentor, user_id=mentor.id, changes=_complete_mentor(db))
    assert profiles.contact_details(db, viewer=mentor, user_id=mentor.id).phone == "+44 161 496 0000"
    assert profiles.contact_details(db, viewer=boss, user_id=mentor.id).email == "maria.contact@example.org"
    with pytest.raises(NotAllowed):
        profiles.contact_details(db, viewer=stranger, user_id=mentor.id)


def test_vocabulary_is_cached_until_invalidated(db: Session) -> None:
    from mentoring_app.models import MatchingOption
    from mentoring_app.services.discovery import vocabulary

    vocabulary.invalidate_cache()
    region = next(f for f in load_fields(db) if f.key == "region")
    option = db.get(MatchingOption, region.find("Wales").id)
    option.label = "Cymru (Wales)"
    db.add(option)
    db.commit()
    assert next(f for f in load_fields(db) if f.key == "region").find("Cymru (Wales)") is None  # cached
    vocabulary.invalidate_cache()
    assert next(f for f in load_fields(db) if f.key == "region").find("Cymru (Wales)") is not None
    option.label = "Wales"
    db.add(option)
    db.commit()
    vocabulary.invalidate_cache()


def test_homes_completeness_is_my_profiles(db: Session, make_member) -> None:
    """Home's cheaper read gives the figure My profile gives: before any profile row exists, for
    a complete mentor, and for a member with both roles and criteria on both sides."""
    fresh = make_member(role="mentor")
    assert (
        profiles.profile_completeness(db, actor=fresh) == profiles.own_profile(db, actor=fresh).completeness
    )
    mentor = make_member(role="mentor")
    profiles.update_profile(db, actor=mentor, user_id=mentor.id, changes=_complete_mentor(db))
    assert (
        profiles.profile_completeness(db, actor=mentor) == profiles.own_profile(db, actor=mentor).completeness
    )
    both = make_member(role="both")
    changes = _complete_mentor(db)
    changes.mentee_criteria = {"languages": _ids(db, "languages", "French")}
    profiles.update_profile(db, actor=both, user_id=both.id, changes=changes)
    done = profiles.profile_completeness(db, actor=both)
    assert done == profiles.own_profile(db, actor=both).completeness
    assert done.percent == db.get(Profile, both.id).completeness
