"""Admins edit matching fields and options; retired options stay on profiles but are not offered."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from mentoring_app.models import MatchingOption, MemberCriterion, User
from mentoring_app.models.profiles import MENTEE_SIDE
from mentoring_app.services.discovery import profiles, vocabulary
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import admin, audit, vocabulary_admin
from tests.unit.conftest import STRONG_PASSWORD


@pytest.fixture(autouse=True)
def _vocabulary_restored(restore_vocabulary: None) -> None:
    """Every test here edits the vocabulary, which PostgreSQL tests share."""


@pytest.fixture
def boss(db: Session) -> User:
    return admin.create_admin(db, email="boss@example.org", password=STRONG_PASSWORD, name="Boss")[0]


def _field(db: Session, boss: User, key: str) -> vocabulary_admin.FieldAdminView:
    return next(f for f in vocabulary_admin.list_fields(db, actor=boss) if f.key == key)


def _spec(db: Session, key: str) -> vocabulary.FieldSpec | None:
    return next((f for f in vocabulary.load_fields(db) if f.key == key), None)


def test_add_and_rename_an_option_shows_in_pickers_at_once(db: Session, boss: User) -> None:
    region = _field(db, boss, "region")
    vocabulary.load_fields(db)  # cached now: the edit must empty the cache
    option_id = vocabulary_admin.add_option(db, actor=boss, field_id=region.id, label="  Isle   of Man ")
    assert _spec(db, "region").choices[-1] == vocabulary.Choice(option_id, "Isle of Man")
    vocabulary_admin.rename_option(db, actor=boss, option_id=option_id, label="Crown Dependencies")
    assert _spec(db, "region").by_id[option_id].label == "Crown Dependencies"
    actions = [e.action for e in audit.recent(db, actor=boss) if e.action.startswith("vocabulary.")]
    assert actions == ["vocabulary.rename_option", "vocabulary.add_option"]


@pytest.mark.parametrize(
    ("label", "message"),
    [("", "Enter a label."), ("   ", "Enter a label."), ("x" * 121, "at most 120"), ("london", "already")],
)
def test_option_labels_are_checked(db: Session, boss: User, label: str, message: str) -> None:
    region = _field(db, boss, "region")
    with pytest.raises(ValidationFailed, match=message):
        vocabulary_admin.add_option(db, actor=boss, field_id=region.id, label=label)
    assert len(_field(db, boss, "region").options) == len(region.options)


def test_renaming_an_option_to_a_sibling_label_is_refused(db: Session, boss: User) -> None:
    region = _field(db, boss, "region")
    first, second = region.options[0], region.options[1]
    with pytest.raises(ValidationFailed):
        vocabulary_admin.rename_option(db, actor=boss, option_id=first.id, label=second.label.upper())
    # The same label in another field is fine.
    languages = _field(db, boss, "languages")
    vocabulary_admin.add_option(db, actor=boss, field_id=languages.id, label=first.label)


def test_reorder_options_and_fields(db: Session, boss: User) -> None:
    region = _field(db, boss, "region")
    ids = [o.id for o in region.options]
    vocabulary_admin.move_option(db, actor=boss, option_id=ids[0], offset=1)
    assert [c.id for c in _spec(db, "region").choices][:3] == [ids[1], ids[0], ids[2]]
    vocabulary_admin.move_option(db, actor=boss, option_id=ids[0], offset=-5)  # clamps to the top
    assert [c.id for c in _spec(db, "region").choices][:2] == [ids[0], ids[1]]
    vocabulary_admin.move_option(db, actor=boss, option_id=ids[0], offset=-1)  # already first: no change
    keys = [f.key for f in vocabulary.load_fields(db)]
    languages = _field(db, boss, "languages")
    vocabulary_admin.move_field(db, actor=boss, field_id=languages.id, offset=-1)
    moved = [f.key for f in vocabulary.load_fields(db)]
    index = keys.index("languages")
    assert moved[index - 1] == "languages" and moved[index] == keys[index - 1]
    moves = [e.action for e in audit.recent(db, actor=boss) if e.action.startswith("vocabulary.move")]
    assert moves == ["vocabulary.move_field", "vocabulary.move_option", "vocabulary.move_option"]


def test_retired_option_stays_on_profiles_but_is_not_offered(db: Session, boss: User, make_member) -> None:
    mentee = make_member(role="mentee")
    region = _field(db, boss, "region")
    option = region.options[0]
    db.add(MemberCriterion(user_id=mentee.id, side=MENTEE_SIDE, option_id=option.id))
    db.commit()
    vocabulary_admin.set_option_retired(db, actor=boss, option_id=option.id, retired=True)
    assert option.id not in _spec(db, "region").by_id  # pickers and search no longer offer it
    assert (
        db.exec(select(MemberCriterion).where(MemberCriterion.user_id == mentee.id)).one().option_id
        == option.id
    )
    shown = profiles.public_profile(db, viewer=mentee, user_id=mentee.id).mentee_criteria
    assert (region.label, (option.label,)) in shown  # still on their profile
    after = next(o for o in _field(db, boss, "region").options if o.id == option.id)
    assert (after.retired, after.members) == (True, 1)
    # Saving criteria again (the form cannot show the retired option) keeps it on the profile.
    languages = _spec(db, "languages")
    profiles.save_sought_criteria(db, actor=mentee, criteria={"languages": [languages.choices[0].id]})
    kept = db.exec(select(MemberCriterion.option_id).where(MemberCriterion.user_id == mentee.id)).all()
    assert set(kept) == {option.id, languages.choices[0].id}
    vocabulary_admin.set_option_retired(db, actor=boss, option_id=option.id, retired=False)
    assert option.id in _spec(db, "region").by_id
    assert db.get(MatchingOption, option.id).active


def test_add_rename_and_retire_a_field(db: Session, boss: User) -> None:
    field_id = vocabulary_admin.add_field(db, actor=boss, key="dialects", label="Dialects", multiple=True)
    spec = _spec(db, "dialects")
    assert spec is not None and spec.multiple and spec.choices == ()
    assert [f.key for f in vocabulary.load_fields(db)][-1] == "dialects"
    vocabulary_admin.add_option(db, actor=boss, field_id=field_id, label="Scots")
    vocabulary_admin.rename_field(db, actor=boss, field_id=field_id, label="Regional dialects")
    assert _spec(db, "dialects").label == "Regional dialects"
    vocabulary_admin.set_field_retired(db, actor=boss, field_id=field_id, retired=True)
    assert _spec(db, "dialects") is None
    vocabulary_admin.set_field_retired(db, actor=boss, field_id=field_id, retired=False)
    assert [c.label for c in _spec(db, "dialects").choices] == ["Scots"]


@pytest.mark.parametrize(
    ("key", "label"),
    [("Bad Key", "Fine"), ("x", "Fine"), ("region", "Fine"), ("fresh", "Region"), ("fresh", "")],
)
def test_new_fields_are_checked(db: Session, boss: User, key: str, label: str) -> None:
    count = len(vocabulary_admin.list_fields(db, actor=boss))
    with pytest.raises(ValidationFailed):
        vocabulary_admin.add_field(db, actor=boss, key=key, label=label, multiple=False)
    assert len(vocabulary_admin.list_fields(db, actor=boss)) == count


def test_fields_completeness_needs_cannot_be_retired(db: Session, boss: User) -> None:
    region = _field(db, boss, "region")
    assert not region.can_retire
    with pytest.raises(ServiceError):
        vocabulary_admin.set_field_retired(db, actor=boss, field_id=region.id, retired=True)
    assert _spec(db, "region") is not None
    assert _field(db, boss, "membership_grade").can_retire
