"""The Find mentor index: the same answers as the SQL reference, on random data and after every
kind of change that touches what matching reads, and safe while it is rebuilt."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.accounts import auth, privacy
from mentoring_app.services.discovery import (
    matching,
    matching_index,
    matching_index_store,
    profiles,
    vocabulary,
)
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.mentoring import relationships
from mentoring_app.services.staff import admin, vocabulary_admin
from tests.unit.conftest import STRONG_PASSWORD
from tests.unit.test_matching import (
    BASE_TIME,
    LANGUAGES,
    REGIONS,
    SPECIALISMS,
    add_mentor,
    mentor_strategy,
    search_strategy,
)
from tests.unit.test_relationships import TEXT, make_mentor


@pytest.fixture
def viewer(db: Session, make_member) -> User:
    return make_member(role="mentee")


def _ids(db: Session, key: str, *labels: str) -> tuple[int, ...]:
    spec = next(f for f in load_fields(db) if f.key == key)
    return tuple(spec.find(label).id for label in labels)  # type: ignore[union-attr]


def both(db: Session, viewer: User, search: matching.Search) -> matching.SearchResults:
    """The index's answer, checked to come from a fresh index and to equal the SQL reference."""
    store = matching_index_store.store_for(db)
    answered = store.answers
    found = matching.find_mentors(db, viewer=viewer, search=search, use_index=True)
    assert store.answers == answered + 1, "the index did not answer"
    stamp = matching_index_store.read_stamp(db)
    assert stamp is not None and store.index is not None and store.index.version == stamp.version
    assert found == matching.find_mentors(db, viewer=viewer, search=search, use_index=False)
    return found


def london_search(db: Session, **extra) -> matching.Search:
    return matching.Search(selected={"region": _ids(db, "region", "London")}, **extra)


def found_ids(found: matching.SearchResults) -> list[int]:
    return [r.user_id for r in found.results]


# Property test: random mentors, a search, random changes, the search again.

# The mentors and searches of test_matching's property test (keywords of every length, accents,
# quotes and LIKE wildcards), so the index meets the same cases as the SQL it stands in for.
change_strategy = st.lists(
    st.tuples(
        st.sampled_from(["touch", "touch_past", "places", "hours", "withdraw", "offer", "delete", "option"]),
        st.integers(0, 1_000),
        st.integers(0, 100),
    ),
    max_size=6,
)


def _apply(db: Session, people: list[int], change: tuple[str, int, int], option_ids: list[int]) -> None:
    """One change, written straight to the tables (the triggers must notice whatever writes)."""
    kind, which, value = change
    if not people:
        return
    user_id = people[which % len(people)]
    if kind == "touch":
        db.execute(
            update(User).where(User.id == user_id).values(last_active_at=BASE_TIME + timedelta(minutes=value))
        )
    elif kind == "touch_past":
        db.execute(
            update(User).where(User.id == user_id).values(last_active_at=BASE_TIME - timedelta(minutes=value))
        )
    elif kind == "places":  # the tie-breaks: places left, then answer speed (NULL: none yet)
        db.execute(update(Profile).where(Profile.user_id == user_id).values(places_left=value % 3))
    elif kind == "hours":
        hours = None if value % 4 == 0 else value % 3
        db.execute(update(Profile).where(Profile.user_id == user_id).values(answer_hours=hours))
    elif kind in ("withdraw", "offer"):
        flag = kind == "offer"
        db.execute(update(Profile).where(Profile.user_id == user_id).values(offered=flag))
        db.execute(update(MemberCriterion).where(MemberCriterion.user_id == user_id).values(offered=flag))  # type: ignore[arg-type]
    elif kind == "delete":
        db.execute(delete(MemberCriterion).where(MemberCriterion.user_id == user_id))  # type: ignore[arg-type]
        db.execute(delete(Profile).where(Profile.user_id == user_id))
        db.execute(delete(User).where(User.id == user_id))
        people.remove(user_id)
    else:
        option = option_ids[value % len(option_ids)]
        db.merge(MemberCriterion(user_id=user_id, side="mentor", option_id=option, offered=True))
    db.commit()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mentors=st.lists(mentor_strategy, max_size=25), wanted=search_strategy, changes=change_strategy)
def test_index_agrees_with_sql_before_and_after_changes(
    db: Session, viewer: User, mentors: list, wanted: dict, changes: list
) -> None:
    db.execute(delete(MemberCriterion).where(MemberCriterion.user_id != viewer.id))  # type: ignore[arg-type]
    db.execute(delete(Profile).where(Profile.user_id != viewer.id))
    db.execute(delete(User).where(User.id != viewer.id))
    db.commit()
    ids = {
        key: {label: _ids(db, key, label)[0] for label in labels}
        for key, labels in (("region", REGIONS), ("languages", LANGUAGES), ("specialisms", SPECIALISMS))
    }
    people = []
    for mentor in mentors:
        options = {ids["languages"][x] for x in mentor["languages"]} | {
            ids["specialisms"][x] for x in mentor["specialisms"]
        }
        if mentor["region"]:
            options.add(ids["region"][mentor["region"]])
        people.append(
            add_mentor(
                db,
                list(options),
                matchable=mentor["offered"],
                places_left=mentor["places_left"],
                answer_hours=mentor["answer_hours"],
                minutes_ago=mentor["minutes_ago"],
                headline=mentor["headline"],
            )
        )
    selected = {
        key: tuple(sorted(ids[key][x] for x in wanted[key])) for key in ("region", "languages", "specialisms")
    }
    selected = {k: v for k, v in selected.items() if v}
    search = matching.Search(
        selected=selected,
        exact=frozenset(wanted["exact"]),
        keyword=wanted["keyword"],
        page=wanted["page"],
        nice=frozenset(wanted["nice"]),
    )
    both(db, viewer, search)
    both(db, viewer, matching.Search(keyword=wanted["keyword"], page=wanted["page"]))
    all_options = [i for values in ids.values() for i in values.values()]
    for change in changes:
        _apply(db, people, change, all_options)
        both(db, viewer, search)
    both(db, viewer, matching.Search(keyword=wanted["keyword"], page=wanted["page"]))


# Freshness: each kind of change through the services, seen by the next search.


def test_profile_edit_is_seen(db: Session, viewer: User, make_member) -> None:
    mentor = make_mentor(db, make_member)
    other = make_mentor(db, make_member)
    assert set(found_ids(both(db, viewer, london_search(db)))) == {mentor.id, other.id}
    fields = {f.key: f for f in load_fields(db)}
    profiles.update_profile(
        db,
        actor=mentor,
        user_id=mentor.id,
        changes=profiles.ProfileChanges(
            name=mentor.name,
            headline="Now in Wales",
            contact_email=mentor.email,
            mentor_criteria={
                "region": [fields["region"].find("Wales").id],
                "languages": [fields["languages"].find("French").id],
                "specialisms": [fields["specialisms"].find("Legal translation").id],
            },
        ),
    )
    assert found_ids(both(db, viewer, london_search(db))) == [other.id]
    wales = matching.Search(selected={"region": _ids(db, "region", "Wales")})
    assert found_ids(both(db, viewer, wales)) == [mentor.id]


def test_availability_off_is_seen(db: Session, viewer: User, make_member) -> None:
    mentor = make_mentor(db, make_member)
    assert found_ids(both(db, viewer, london_search(db))) == [mentor.id]
    builds = matching_index_store.store_for(db).builds
    profiles.update_profile(
        db,
        actor=mentor,
        user_id=mentor.id,
        changes=profiles.ProfileChanges(
            name=mentor.name,
            headline="Legal translator",
            available=False,
            contact_email=mentor.email,
            mentor_criteria={"region": list(_ids(db, "region", "London"))},
        ),
    )
    assert both(db, viewer, london_search(db)).total == 0
    assert both(db, viewer, matching.Search()).total == 0
    assert matching_index_store.store_for(db).builds == builds  # applied in place, no rebuild


def test_capacity_full_and_free_again_is_seen(db: Session, viewer: User, make_member) -> None:
    mentor = make_mentor(db, make_member, capacity=1)
    assert found_ids(both(db, viewer, london_search(db))) == [mentor.id]
    rel = relationships.send_request(db, actor=viewer, mentor_id=mentor.id, text=TEXT)
    relationships.accept_request(db, actor=mentor, request_id=rel.id)
    assert both(db, viewer, london_search(db)).total == 0
    relationships.withdraw(db, actor=viewer, relationship_id=rel.id, reason="Moving abroad")
    assert found_ids(both(db, viewer, london_search(db))) == [mentor.id]


def test_deactivation_is_seen(db: Session, viewer: User, make_member) -> None:
    mentor = make_mentor(db, make_member)
    staff = make_member(role="mentee")
    staff.is_admin = True
    db.add(staff)
    db.commit()
    assert found_ids(both(db, viewer, matching.Search())) == [mentor.id]
    admin.set_active(db, actor=staff, user_id=mentor.id, active=False)
    assert both(db, viewer, matching.Search()).total == 0
    assert both(db, viewer, london_search(db)).total == 0


def test_account_deletion_is_seen(db: Session, viewer: User, make_member) -> None:
    mentor, other = make_mentor(db, make_member), make_mentor(db, make_member)
    assert set(found_ids(both(db, viewer, london_search(db)))) == {mentor.id, other.id}
    privacy.delete_account(db, actor=db.get(User, mentor.id), password=STRONG_PASSWORD)
    assert found_ids(both(db, viewer, london_search(db))) == [other.id]
    db.execute(delete(User).where(User.id == other.id))  # a row deleted outright (cascades)
    db.commit()
    assert both(db, viewer, london_search(db)).total == 0


def test_retired_option_is_seen(db: Session, viewer: User, make_member, restore_vocabulary) -> None:
    mentor = make_mentor(db, make_member)
    staff = make_member(role="mentee")
    staff.is_admin = True
    db.add(staff)
    db.commit()
    (french,) = _ids(db, "languages", "French")
    search = matching.Search(selected={"region": _ids(db, "region", "London"), "languages": (french,)})
    assert both(db, viewer, search).results[0].score == 2
    vocabulary_admin.set_option_retired(db, actor=staff, option_id=french, retired=True)
    vocabulary.invalidate_cache()
    found = both(db, viewer, search)  # French is no longer a criterion: it scores nothing
    assert found_ids(found) == [mentor.id] and found.results[0].score == 1 and found.criteria_count == 1


def test_activity_reorders_without_rebuild(db: Session, viewer: User, make_member) -> None:
    first, second = make_mentor(db, make_member), make_mentor(db, make_member)
    later = utcnow() + timedelta(seconds=5)
    db.execute(update(User).where(User.id == second.id).values(last_active_at=later))
    db.commit()
    assert found_ids(both(db, viewer, matching.Search())) == [second.id, first.id]
    builds = matching_index_store.store_for(db).builds
    auth.open_session(db, user_id=first.id, now=later + timedelta(seconds=1))  # a log-in
    assert found_ids(both(db, viewer, matching.Search())) == [first.id, second.id]
    assert matching_index_store.store_for(db).builds == builds
    # An older time (an import, a clock behind) is placed lower down, still without a rebuild.
    third = make_mentor(db, make_member)
    db.execute(update(User).where(User.id == first.id).values(last_active_at=BASE_TIME - timedelta(days=3)))
    db.commit()
    both(db, viewer, matching.Search())
    builds = matching_index_store.store_for(db).builds
    db.execute(update(User).where(User.id == third.id).values(last_active_at=BASE_TIME - timedelta(days=1)))
    db.commit()
    assert found_ids(both(db, viewer, matching.Search())) == [second.id, third.id, first.id]
    assert matching_index_store.store_for(db).builds == builds


# Rebuilds in a worker thread: searches stay right meanwhile.


def test_search_during_a_background_rebuild(
    db: Session, engine: Engine, viewer: User, make_member, monkeypatch
) -> None:
    monkeypatch.setattr(matching_index_store, "INLINE_BUILD_LIMIT", 0)  # as on a large database
    mentors = [make_mentor(db, make_member) for _ in range(3)]
    store = matching_index_store.store_for(db)
    first = matching.find_mentors(db, viewer=viewer, search=london_search(db))  # no index yet: SQL
    assert store.answers == 0 and first.total == 3
    store.wait(10)
    assert store.index is not None and store.builds == 1
    building, release = threading.Event(), threading.Event()

    def pause() -> None:
        building.set()
        release.wait(10)

    store.before_swap = pause
    store.start_build()  # a compaction-style rebuild: the current index stays in service
    assert building.wait(10)
    # A change while the rebuild waits: the serving index catches up; the new one must too.
    with Session(engine) as other:
        privacy.delete_account(other, actor=other.get(User, mentors[0].id), password=STRONG_PASSWORD)
    during = both(db, viewer, london_search(db))
    assert set(found_ids(during)) == {mentors[1].id, mentors[2].id}
    old_index = store.index
    release.set()
    store.wait(10)
    store.before_swap = None
    assert store.index is not old_index and store.builds == 2
    assert both(db, viewer, london_search(db)) == during


def test_many_changes_on_a_large_database_rebuild_in_the_background(
    db: Session, viewer: User, make_member, monkeypatch
) -> None:
    mentors = [make_mentor(db, make_member) for _ in range(2)]
    both(db, viewer, matching.Search())
    monkeypatch.setattr(matching_index_store, "INLINE_BUILD_LIMIT", 0)
    monkeypatch.setattr(matching_index, "MAX_MOVES", 0)  # any re-placing is "too many"
    store = matching_index_store.store_for(db)
    long_ago = BASE_TIME - timedelta(days=9)
    db.execute(update(User).where(User.id == mentors[1].id).values(last_active_at=long_ago))
    db.commit()
    answers, builds = store.answers, store.builds
    meanwhile = matching.find_mentors(db, viewer=viewer, search=matching.Search())
    assert found_ids(meanwhile) == [mentors[0].id, mentors[1].id]
    store.wait(10)
    assert store.answers == answers and store.builds == builds + 1  # SQL answered; rebuilt aside
    assert both(db, viewer, matching.Search()) == meanwhile


def test_concurrent_searches_and_changes(db: Session, engine: Engine, viewer: User, make_member) -> None:
    mentors = [make_mentor(db, make_member) for _ in range(6)]
    both(db, viewer, london_search(db))
    errors: list[BaseException] = []

    def search_many() -> None:
        try:
            with Session(engine) as session:
                for _ in range(15):
                    found = matching.find_mentors(session, viewer=viewer, search=london_search(session))
                    assert len(found.results) == found.total <= len(mentors)
                    session.rollback()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=search_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    for n, mentor in enumerate(mentors):
        auth.open_session(db, user_id=mentor.id, now=utcnow() + timedelta(seconds=n + 1))
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert found_ids(both(db, viewer, matching.Search())) == [m.id for m in reversed(mentors)]
