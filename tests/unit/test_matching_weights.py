"""Importance weights on Find mentor (issue 12, part 3), as properties on generated mentors and
searches (hypothesis), for both ranking paths (the in-process index and the SQL reference), and
the upkeep of the tie-breaks and the saved importance."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, Profile, Relationship, User
from mentoring_app.models.relationships import REQUESTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import importance, matching, mentor_alerts
from mentoring_app.services.discovery.profiles import save_sought_criteria
from mentoring_app.services.mentoring import relationships
from tests.unit.test_matching import _option, add_mentor

REGIONS = ["North West", "London", "Wales"]
LANGUAGES = ["Spanish", "French", "German"]
SPECIALISMS = ["Legal translation", "Medical translation"]
FIELDS = ("region", "languages", "specialisms")

mentor_strategy = st.fixed_dictionaries(
    {
        "region": st.sampled_from([None, *REGIONS]),
        "languages": st.sets(st.sampled_from(LANGUAGES), max_size=3),
        "specialisms": st.sets(st.sampled_from(SPECIALISMS), max_size=2),
        "places_left": st.integers(0, 2),
        "answer_hours": st.sampled_from([None, 1, 8]),
        "minutes_ago": st.integers(0, 3),
        "name": st.sampled_from(["Ann", "Bob", "Zoe", "Yan"]),
    }
)
search_strategy = st.fixed_dictionaries(
    {
        "region": st.sets(st.sampled_from(REGIONS), max_size=2),
        "languages": st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=3),
        "specialisms": st.sets(st.sampled_from(SPECIALISMS), max_size=2),
        "level": st.fixed_dictionaries({key: st.sampled_from(importance.LEVELS) for key in FIELDS}),
    }
)
PROPERTY = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def viewer(db: Session, make_member) -> User:
    return make_member(role="mentee")


def _reset(db: Session, viewer: User) -> dict[str, dict[str, int]]:
    db.execute(delete(MemberCriterion).where(MemberCriterion.user_id != viewer.id))
    db.execute(delete(Profile).where(Profile.user_id != viewer.id))
    db.execute(delete(User).where(User.id != viewer.id))
    db.commit()
    return {
        key: {label: _option(db, key, label) for label in labels}
        for key, labels in zip(FIELDS, (REGIONS, LANGUAGES, SPECIALISMS), strict=True)
    }


def _populate(db: Session, viewer: User, mentors: list[dict], wanted: dict):
    """The mentors (id -> (options, generated row)) and the search they are ranked for."""
    ids = _reset(db, viewer)
    people = {}
    for mentor in mentors:
        options = {ids["languages"][x] for x in mentor["languages"]}
        options |= {ids["specialisms"][x] for x in mentor["specialisms"]}
        if mentor["region"]:
            options.add(ids["region"][mentor["region"]])
        user_id = add_mentor(
            db,
            sorted(options),
            name=mentor["name"],
            places_left=mentor["places_left"],
            answer_hours=mentor["answer_hours"],
            minutes_ago=mentor["minutes_ago"],
        )
        people[user_id] = (options, mentor)
    selected = {key: tuple(sorted(ids[key][x] for x in wanted[key])) for key in FIELDS if wanted[key]}
    level = wanted["level"]
    search = matching.Search(
        selected=selected,
        exact=frozenset(k for k in selected if level[k] == importance.MUST),
        nice=frozenset(k for k in selected if level[k] == importance.NICE),
    )
    return people, search


def _every_page(
    db: Session, viewer: User, search: matching.Search, use_index: bool
) -> list[matching.MentorResult]:
    first = matching.find_mentors(db, viewer=viewer, search=search, use_index=use_index)
    found = list(first.results)
    for page in range(2, first.pages + 1):
        more = matching.find_mentors(
            db,
            viewer=viewer,
            search=matching.Search(search.selected, search.exact, "", page, search.nice),
            use_index=use_index,
        )
        assert more.total == first.total
        found += more.results
    assert len(found) == first.total
    return found


def _hits(options: set[int], search: matching.Search) -> dict[str, int]:
    return {key: len(options & set(ids)) for key, ids in search.selected.items()}


@PROPERTY
@given(mentors=st.lists(mentor_strategy, max_size=45), wanted=search_strategy)
def test_weights_must_match_ties_and_paging_hold_on_both_paths(
    db: Session, viewer: User, mentors: list, wanted: dict
) -> None:
    people, search = _populate(db, viewer, mentors, wanted)
    by_index = _every_page(db, viewer, search, use_index=True)
    by_sql = _every_page(db, viewer, search, use_index=False)
    assert by_index == by_sql  # the two paths agree, page by page
    ids = [r.user_id for r in by_index]
    assert len(ids) == len(set(ids))  # paging repeats nothing...
    region_is_one_value = True
    passing = set()
    for user_id, (options, _) in people.items():
        hits = _hits(options, search)
        if not any(hits.values()):
            continue
        if all(
            hits[k] >= 1 if (k == "region" and region_is_one_value) else hits[k] == len(search.selected[k])
            for k in search.exact
        ):
            passing.add(user_id)
    assert set(ids) == passing  # ...and loses nothing; Must match fields exclude the others
    position = {user_id: n for n, user_id in enumerate(ids)}
    for better in ids:
        for worse in ids:
            up, down = _hits(people[better][0], search), _hits(people[worse][0], search)
            if all(up[k] > down[k] for k in search.selected):
                # Strictly better on every field: never ranked below.
                assert position[better] < position[worse]
    for above, below in itertools.pairwise(by_index):
        assert above.points >= below.points
        if above.points == below.points:  # ties: places left, answer speed, recent activity, id
            a, b = people[above.user_id][1], people[below.user_id][1]

            def key(m: dict, user_id: int) -> tuple:
                hours = m["answer_hours"]
                return (-m["places_left"], hours is None, hours or 0, m["minutes_ago"], user_id)

            assert key(a, above.user_id) < key(b, below.user_id)
    for result in by_index:
        assert 0 <= result.fit <= 100
        options = people[result.user_id][0]
        if all(
            _hits(options, search)[k] == (len(v) if k != "region" else 1) for k, v in search.selected.items()
        ):
            assert result.fit == 100 and not result.missing


def test_nice_to_have_weighs_less_than_important(db: Session, viewer: User) -> None:
    nw, spanish = _option(db, "region", "North West"), _option(db, "languages", "Spanish")
    french = _option(db, "languages", "French")
    in_region = add_mentor(db, [nw], minutes_ago=5)
    two_languages = add_mentor(db, [spanish, french], minutes_ago=1)
    selected = {"region": (nw,), "languages": (spanish, french)}

    def order(search: matching.Search) -> list[tuple[int, int, tuple[str, ...]]]:
        found = matching.find_mentors(db, viewer=viewer, search=search)
        assert found == matching.find_mentors(db, viewer=viewer, search=search, use_index=False)
        return [(r.user_id, r.fit, r.missing) for r in found.results]

    # Both Important: two languages (6 of 9) beat the region (3 of 9).
    assert order(matching.Search(selected=selected)) == [
        (two_languages, 67, ("Region: North West",)),
        (in_region, 33, ("Languages: Spanish", "Languages: French")),
    ]
    # Languages only Nice to have: the region (3 of 5) now beats two languages (2 of 5); a Nice to
    # have field is not named as missing.
    assert order(matching.Search(selected=selected, nice=frozenset({"languages"}))) == [
        (in_region, 60, ()),
        (two_languages, 40, ("Region: North West",)),
    ]
    # Region a Must match: only the mentor in the region, fit 3 of 9.
    assert order(matching.Search(selected=selected, exact=frozenset({"region"}))) == [
        (in_region, 33, ("Languages: Spanish", "Languages: French"))
    ]


def test_places_left_and_answer_speed_follow_requests(db: Session, viewer: User, make_member) -> None:
    nw = _option(db, "region", "North West")
    mentor_id = add_mentor(db, [nw], capacity=2)
    mentor = db.get(User, mentor_id)
    asked = utcnow() - timedelta(hours=10)
    first = Relationship(
        mentee_id=viewer.id, mentor_id=mentor_id, status=REQUESTED, created_at=asked, request_text="Please"
    )
    other = make_member(role="mentee")
    second = Relationship(
        mentee_id=other.id, mentor_id=mentor_id, status=REQUESTED, created_at=asked, request_text="Please"
    )
    db.add_all([first, second])
    db.commit()
    relationships.accept_request(db, actor=mentor, request_id=first.id, now=asked + timedelta(hours=4))
    profile = db.get(Profile, mentor_id)
    db.refresh(profile)
    assert (profile.places_left, profile.answer_hours) == (1, 4)
    relationships.decline_request(
        db,
        actor=mentor,
        request_id=second.id,
        reason=next(iter(relationships.DECLINE_REASONS)),
        now=asked + timedelta(hours=9),
    )
    db.refresh(profile)
    assert (profile.places_left, profile.answer_hours) == (1, 6)  # the median of 4 and 9 hours, whole
    for use_index in (True, False):  # the index sees the change (the trigger marks it)
        found = matching.find_mentors(
            db, viewer=other, search=matching.Search(selected={"region": (nw,)}), use_index=use_index
        )
        assert [r.user_id for r in found.results] == [mentor_id]


def test_saved_criteria_keep_their_importance(db: Session, viewer: User) -> None:
    nw, spanish = _option(db, "region", "North West"), _option(db, "languages", "Spanish")
    legal = _option(db, "specialisms", "Legal translation")
    count = save_sought_criteria(
        db,
        actor=viewer,
        criteria={"region": [nw], "languages": [spanish], "specialisms": [legal]},
        exact=["region"],
        nice=["languages", "sectors"],  # a field without values is not kept
    )
    assert count == 3
    db.expire_all()  # read back from the database, not the session
    stored = db.execute(select(Profile.sought_importance).where(Profile.user_id == viewer.id)).scalar_one()
    assert stored == "languages=nice,region=must"
    saved = matching.saved_search(db, viewer=viewer)
    assert saved.selected == {"region": (nw,), "languages": (spanish,), "specialisms": (legal,)}
    assert (saved.exact, saved.nice) == (frozenset({"region"}), frozenset({"languages"}))
    assert saved.weights == {"region": 3, "languages": 1, "specialisms": 3}
    # Notify me keeps the Must match fields of the saved search: Region alone.
    assert mentor_alerts.create_alert(db, actor=viewer, search=saved).description == "Region: North West"


def test_importance_survives_the_url_round_trip() -> None:
    from mentoring_app.state.find_mentor import query_for, search_from_query

    search = matching.Search(
        selected={"region": (3,), "languages": (5, 7)},
        exact=frozenset({"region"}),
        nice=frozenset({"languages"}),
    )
    query = query_for(search)
    assert "nice=languages" in query
    params = dict(pair.split("=") for pair in query.replace("%2C", ",").split("&"))
    assert search_from_query(params, ["region", "languages"]) == search


def test_encode_and_decode_are_inverse() -> None:
    text = importance.encode({"region"}, {"languages", "region"})  # Must match wins
    assert text == "languages=nice,region=must"
    assert importance.decode(text) == (frozenset({"region"}), frozenset({"languages"}))
    assert importance.decode("languages=nice,x=other,,=must") == (frozenset(), frozenset({"languages"}))
    assert importance.fit_percent(0, 0) == 0 and importance.fit_percent(7, 7) == 100
