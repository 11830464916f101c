"""Notify me: mentor alerts from Find mentor's exact criteria, who may keep and stop them, and who
is told (once, in the app and by email) when a matching mentor becomes available."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from mentoring_app.models import (
    MentorAlert,
    MentorAlertHit,
    MentorAlertOption,
    Notification,
    OutboxEmail,
    Profile,
    User,
)
from mentoring_app.services.conversations import notifications
from mentoring_app.services.discovery import matching, mentor_alerts, offering
from mentoring_app.services.errors import NotAllowed, NotFound, ValidationFailed
from tests.unit.test_matching import _option, add_mentor


def _exact(**selected: tuple[int, ...]) -> matching.Search:
    return matching.Search(selected=selected, exact=frozenset(selected))


def _alert_notes(db: Session, user_id: int) -> list[Notification]:
    return list(
        db.exec(
            select(Notification).where(Notification.user_id == user_id, Notification.kind == "mentor_alert")
        ).all()
    )


def _alert_emails(db: Session, address: str) -> list[OutboxEmail]:
    return list(
        db.exec(
            select(OutboxEmail).where(OutboxEmail.to_address == address, OutboxEmail.kind == "mentor_alert")
        ).all()
    )


def _becomes_available(db: Session, mentor_id: int) -> None:
    profile = db.get(Profile, mentor_id)
    profile.available = True  # type: ignore[union-attr]
    db.add(profile)
    db.flush()
    offering.sync_offer(db, mentor_id)
    db.commit()


def test_create_list_and_stop_an_alert(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    wales, polish, spanish = (
        _option(db, "region", "Wales"),
        _option(db, "languages", "Polish"),
        _option(db, "languages", "Spanish"),
    )
    legal = _option(db, "specialisms", "Legal translation")
    add_mentor(db, [wales, polish, spanish])
    add_mentor(db, [wales, polish])  # not every language
    add_mentor(db, [wales, polish, spanish], available=False)  # not offered
    search = matching.Search(
        selected={"region": (wales,), "languages": (spanish, polish), "specialisms": (legal,)},
        exact=frozenset({"region", "languages"}),  # specialisms only ranks: not part of the alert
    )
    view = mentor_alerts.create_alert(db, actor=mentee, search=search)
    assert view.description == "Region: Wales; Languages: Polish and Spanish"
    assert view.matching_now == 1
    stored = db.exec(select(MentorAlertOption.field_key, MentorAlertOption.option_id)).all()
    assert sorted(stored) == sorted([("region", wales), ("languages", polish), ("languages", spanish)])

    listed = mentor_alerts.list_alerts(db, actor=mentee)
    assert [(a.id, a.description, a.matching_now) for a in listed] == [(view.id, view.description, 1)]

    mentor_alerts.delete_alert(db, actor=mentee, alert_id=view.id)
    assert mentor_alerts.list_alerts(db, actor=mentee) == []
    assert db.exec(select(MentorAlertOption)).all() == []


def test_refusals_no_exact_field_duplicate_and_limit(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    wales = _option(db, "region", "Wales")
    with pytest.raises(ValidationFailed) as no_exact:
        mentor_alerts.create_alert(db, actor=mentee, search=matching.Search(selected={"region": (wales,)}))
    assert no_exact.value.errors == {"alert": mentor_alerts.NO_EXACT}
    assert (
        no_exact.value.errors["alert"]
        == "Tick Exact match on at least one field to be told about new mentors."
    )

    mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    with pytest.raises(ValidationFailed, match="already have an alert"):
        mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    for label in ("London", "North West", "Scotland", "South East"):
        mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(_option(db, "region", label),)))
    with pytest.raises(ValidationFailed, match="up to 5"):
        mentor_alerts.create_alert(
            db, actor=mentee, search=_exact(languages=(_option(db, "languages", "Polish"),))
        )
    assert len(db.exec(select(MentorAlert).where(MentorAlert.mentee_id == mentee.id)).all()) == 5


def test_authorization(db: Session, make_member) -> None:
    owner, other = make_member(role="mentee"), make_member(role="mentee")
    mentor_only = make_member(role="mentor")
    wales = _option(db, "region", "Wales")
    alert = mentor_alerts.create_alert(db, actor=owner, search=_exact(region=(wales,)))
    with pytest.raises(NotFound):
        mentor_alerts.delete_alert(db, actor=other, alert_id=alert.id)
    with pytest.raises(NotFound):
        mentor_alerts.delete_alert(db, actor=other, alert_id=alert.id + 1000)
    assert mentor_alerts.list_alerts(db, actor=other) == []
    with pytest.raises(NotAllowed):
        mentor_alerts.create_alert(db, actor=mentor_only, search=_exact(region=(wales,)))
    with pytest.raises(NotAllowed):
        mentor_alerts.list_alerts(db, actor=None)
    assert [a.id for a in mentor_alerts.list_alerts(db, actor=owner)] == [alert.id]  # still there


def test_exact_rule_one_of_a_single_value_field_all_of_a_many_value_field(db: Session, make_member) -> None:
    regions, languages = make_member(role="mentee"), make_member(role="mentee")
    wales, london = _option(db, "region", "Wales"), _option(db, "region", "London")
    polish, spanish = _option(db, "languages", "Polish"), _option(db, "languages", "Spanish")
    either_region = mentor_alerts.create_alert(db, actor=regions, search=_exact(region=(wales, london)))
    both_languages = mentor_alerts.create_alert(
        db, actor=languages, search=_exact(languages=(polish, spanish))
    )
    assert either_region.description == "Region: London or Wales"  # in the vocabulary's order

    london_polish = add_mentor(db, [london, polish], available=False)
    _becomes_available(db, london_polish)
    assert len(_alert_notes(db, regions.id)) == 1  # one of the regions is enough
    assert _alert_notes(db, languages.id) == []  # Polish alone is not both languages

    wales_both = add_mentor(db, [wales, polish, spanish], available=False)
    _becomes_available(db, wales_both)
    assert len(_alert_notes(db, regions.id)) == 2
    assert [n.link for n in _alert_notes(db, languages.id)] == [f"/members/{wales_both}"]
    hits = db.exec(select(MentorAlertHit.alert_id, MentorAlertHit.mentor_id)).all()
    assert sorted(hits) == sorted(
        [
            (either_region.id, london_polish),
            (either_region.id, wales_both),
            (both_languages.id, wales_both),
        ]
    )


def test_becoming_available_tells_each_matching_alert_once(db: Session, make_member) -> None:
    mentee = make_member(role="mentee", name="Megan Jones")
    unrelated = make_member(role="mentee")
    wales, scotland = _option(db, "region", "Wales"), _option(db, "region", "Scotland")
    welsh = _option(db, "languages", "Welsh")
    alert = mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    mentor_alerts.create_alert(db, actor=unrelated, search=_exact(region=(scotland,)))
    mentor = add_mentor(db, [wales, welsh], name="Rhys Evans", available=False)
    assert _alert_notes(db, mentee.id) == []

    _becomes_available(db, mentor)
    notes = _alert_notes(db, mentee.id)
    assert [(n.text, n.link, n.actor_id) for n in notes] == [
        ("A mentor matching your alert is available: {actor}", f"/members/{mentor}", mentor)
    ]
    assert [n.text for n in notifications.recent(db, actor=db.get(User, mentee.id))] == [
        "A mentor matching your alert is available: Rhys Evans"
    ]
    emails = _alert_emails(db, mentee.email)
    assert len(emails) == 1
    assert "Rhys Evans" in emails[0].subject and "Region: Wales" in emails[0].body_text
    assert f"/members/{mentor}" in emails[0].body_text and "Hello Megan Jones" in emails[0].body_text
    assert db.get(MentorAlert, alert.id).last_notified_at is not None  # type: ignore[union-attr]
    assert _alert_notes(db, unrelated.id) == [] and _alert_emails(db, unrelated.email) == []

    # Syncing again (still offered), or going away and coming back, tells nobody again.
    offering.sync_offer(db, mentor)
    db.commit()
    profile = db.get(Profile, mentor)
    profile.available = False  # type: ignore[union-attr]
    db.add(profile)
    offering.sync_offer(db, mentor)
    db.commit()
    _becomes_available(db, mentor)
    assert len(_alert_notes(db, mentee.id)) == 1 and len(_alert_emails(db, mentee.email)) == 1


def test_an_already_offered_mentor_editing_their_profile_does_not_notify(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    wales = _option(db, "region", "Wales")
    mentor = add_mentor(db, [wales])  # offered before the alert existed
    mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    profile = db.get(Profile, mentor)
    profile.headline = "Now also a court interpreter"  # type: ignore[union-attr]
    db.add(profile)
    offering.sync_offer(db, mentor)
    db.commit()
    assert _alert_notes(db, mentee.id) == [] and _alert_emails(db, mentee.email) == []
    assert mentor_alerts.list_alerts(db, actor=mentee)[0].matching_now == 1


def test_nothing_is_saved_unless_the_caller_commits(db: Session, make_member) -> None:
    mentee = make_member(role="mentee")
    wales = _option(db, "region", "Wales")
    mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    mentor = add_mentor(db, [wales], available=False)
    profile = db.get(Profile, mentor)
    profile.available = True  # type: ignore[union-attr]
    db.add(profile)
    offering.sync_offer(db, mentor)
    db.rollback()
    assert _alert_notes(db, mentee.id) == [] and db.exec(select(MentorAlertHit)).all() == []


def test_no_alert_about_a_mentor_the_mentee_is_already_asking(db: Session, make_member) -> None:
    from mentoring_app.models import Relationship

    mentee = make_member(role="mentee")
    wales = _option(db, "region", "Wales")
    mentor = add_mentor(db, [wales], available=False)
    db.add(Relationship(mentee_id=mentee.id, mentor_id=mentor, status="requested", request_text="Hello"))
    db.commit()
    mentor_alerts.create_alert(db, actor=mentee, search=_exact(region=(wales,)))
    _becomes_available(db, mentor)
    assert _alert_notes(db, mentee.id) == [] and _alert_emails(db, mentee.email) == []
