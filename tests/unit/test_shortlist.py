"""Save mentor and the Shortlist: who may save whom, one's own list only, and what a saved mentor
who stops being available says."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from mentoring_app.models import Profile, Relationship, SavedMentor, User
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.services.accounts import privacy
from mentoring_app.services.discovery import shortlist
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.test_matching import _option, add_mentor


def _mentor(db: Session, **kwargs) -> int:
    return add_mentor(db, [_option(db, "region", "Wales")], **kwargs)


def _rows(db: Session) -> list[tuple[int, int]]:
    return sorted((r.mentee_id, r.mentor_id) for r in db.exec(select(SavedMentor)).all())


def test_a_mentee_saves_lists_and_removes_a_mentor(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    first, second = _mentor(db, name="Ann First"), _mentor(db, name="Ben Second")
    assert shortlist.list_shortlist(db, actor=mentee) == []
    shortlist.save_mentor(db, actor=mentee, mentor_id=first)
    shortlist.save_mentor(db, actor=mentee, mentor_id=second)
    shortlist.save_mentor(db, actor=mentee, mentor_id=first)  # twice (two tabs): still one row
    assert _rows(db) == [(mentee.id, first), (mentee.id, second)]
    views = shortlist.list_shortlist(db, actor=mentee)
    assert {v.name for v in views} == {"Ann First", "Ben Second"}
    assert all(v.available and v.status == shortlist.AVAILABLE and v.visible for v in views)
    assert shortlist.is_saved(db, actor=mentee, mentor_id=first)
    assert shortlist.remove_mentor(db, actor=mentee, mentor_id=first) is True
    assert shortlist.remove_mentor(db, actor=mentee, mentor_id=first) is False
    assert not shortlist.is_saved(db, actor=mentee, mentor_id=first)
    assert [v.mentor_id for v in shortlist.list_shortlist(db, actor=mentee)] == [second]


def test_only_mentees_save_and_only_active_mentors_are_saved(db: Session, make_member) -> None:
    mentor_only = make_member(role="mentor")
    both = make_member(role="both")
    mentee = make_member(role="mentee")
    target = _mentor(db)
    with pytest.raises(NotAllowed):
        shortlist.save_mentor(db, actor=mentor_only, mentor_id=target)
    with pytest.raises(NotAllowed):
        shortlist.list_shortlist(db, actor=mentor_only)
    with pytest.raises(NotAllowed):
        shortlist.save_mentor(db, actor=None, mentor_id=target)
    with pytest.raises(NotFound):  # a mentee is not a mentor
        shortlist.save_mentor(db, actor=both, mentor_id=mentee.id)
    with pytest.raises(NotFound):
        shortlist.save_mentor(db, actor=mentee, mentor_id=_mentor(db, active=False))
    for missing in (0, -1, 999_999):
        with pytest.raises(NotFound):
            shortlist.save_mentor(db, actor=mentee, mentor_id=missing)
    with pytest.raises(NotAllowed):  # a member who is both cannot save themselves
        shortlist.save_mentor(db, actor=both, mentor_id=both.id)
    shortlist.save_mentor(db, actor=both, mentor_id=target)  # but saves other mentors
    assert _rows(db) == [(both.id, target)]


def test_each_mentee_sees_and_changes_only_their_own_shortlist(db: Session, make_member) -> None:
    ana, ivy = make_member(role="mentee"), make_member(role="mentee")
    target = _mentor(db)
    shortlist.save_mentor(db, actor=ana, mentor_id=target)
    assert shortlist.list_shortlist(db, actor=ivy) == []
    assert not shortlist.is_saved(db, actor=ivy, mentor_id=target)
    assert shortlist.remove_mentor(db, actor=ivy, mentor_id=target) is False  # Ana's row stays
    assert _rows(db) == [(ana.id, target)]


def test_saved_mentors_who_stop_being_available_say_so(db: Session, make_member) -> None:
    mentee, other = make_member(role="mentee"), make_member(role="mentee")
    paused, full, gone, listed = _mentor(db), _mentor(db, capacity=1), _mentor(db), _mentor(db)
    for mentor_id in (paused, full, gone, listed):
        shortlist.save_mentor(db, actor=mentee, mentor_id=mentor_id)
    profile = db.get(Profile, paused)
    profile.available = False  # type: ignore[union-attr]
    db.add(Relationship(mentee_id=other.id, mentor_id=full, status=ACCEPTED, request_text="Hello"))
    user = db.get(User, gone)
    user.is_active = False  # type: ignore[union-attr]
    db.commit()
    said = {v.mentor_id: v for v in shortlist.list_shortlist(db, actor=mentee)}
    assert said[paused].status == shortlist.NOT_TAKING and not said[paused].available
    assert said[full].status == shortlist.FULL and not said[full].available
    assert said[gone].status == shortlist.GONE and not said[gone].visible and said[gone].headline == ""
    assert said[listed].status == shortlist.AVAILABLE and said[listed].available


def test_the_shortlist_has_a_cap(db: Session, make_member, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shortlist, "MAX_SAVED", 2)
    mentee = make_member(role="mentee")
    a, b, c = _mentor(db), _mentor(db), _mentor(db)
    shortlist.save_mentor(db, actor=mentee, mentor_id=a)
    shortlist.save_mentor(db, actor=mentee, mentor_id=b)
    with pytest.raises(ValidationFailed):
        shortlist.save_mentor(db, actor=mentee, mentor_id=c)
    shortlist.save_mentor(db, actor=mentee, mentor_id=b)  # already there: fine


def test_deleting_an_account_empties_both_sides_of_the_shortlist(db: Session, make_member) -> None:
    mentee, mentor = make_member(role="mentee"), make_member(role="both")
    target = _mentor(db)
    shortlist.save_mentor(db, actor=mentee, mentor_id=mentor.id)
    shortlist.save_mentor(db, actor=mentor, mentor_id=target)
    shortlist.save_mentor(db, actor=mentee, mentor_id=target)
    privacy.delete_account(db, actor=mentor, password=STRONG_PASSWORD)
    assert _rows(db) == [(mentee.id, target)]
