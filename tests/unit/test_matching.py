"""Find mentor: ranking, exact filters, exclusions, paging and filter costs, checked against a
plain-Python reference on random data (hypothesis) and on hand-made examples."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, text
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import matching
from mentoring_app.services.discovery.profiles import search_text
from mentoring_app.services.discovery.vocabulary import load_fields

_counter = itertools.count(1)
BASE_TIME = utcnow()  # fixed, so "minutes ago" ties are real ties (broken by id)


def _option(db: Session, key: str, label: str) -> int:
    spec = next(f for f in load_fields(db) if f.key == key)
    return spec.find(label).id  # type: ignore[union-attr]


def add_mentor(
    db: Session,
    options: list[int],
    *,
    name: str | None = None,
    headline: str = "Translator",
    matchable: bool = True,
    available: bool = True,
    capacity: int = 2,
    active: bool = True,
    completeness: int = 80,
    places_left: int | None = None,
    answer_hours: int | None = None,
    minutes_ago: int = 0,
    is_mentor: bool = True,
    commit: bool = True,
) -> int:
    n = next(_counter)
    user = User(
        name=name or f"Mentor {n}",
        email=f"m{n}@example.org",
        email_key=f"m{n}@example.org",
        password_hash="!",
        is_mentor=is_mentor,
        is_mentee=not is_mentor,
        is_active=active,
        last_active_at=BASE_TIME - timedelta(minutes=minutes_ago),
    )
    db.add(user)
    db.flush()
    db.add(
        Profile(
            user_id=user.id,
            headline=headline,
            search_text=search_text(user.name, headline),
            mentor_matchable=matchable,
            available=available,
            capacity=capacity,
            completeness=completeness,
            places_left=capacity if places_left is None else places_left,
            answer_hours=answer_hours,
            # A matchable mentor always has criteria (region, language...), so no criteria: not offered.
            offered=matchable and available and capacity > 0 and active and is_mentor and bool(options),
        )
    )
    offered = matchable and available and capacity > 0 and active and is_mentor
    db.add_all(
        MemberCriterion(user_id=user.id, side=MENTOR_SIDE, option_id=o, offered=offered) for o in set(options)
    )
    if commit:
        db.commit()
    return user.id  # type: ignore[return-value]


@pytest.fixture
def viewer(db: Session, make_member) -> User:
    return make_member(role="mentee")


def test_broad_match_ranks_by_matched_criteria(db: Session, viewer: User) -> None:
    nw, london = _option(db, "region", "North West"), _option(db, "region", "London")
    spanish, french = _option(db, "languages", "Spanish"), _option(db, "languages", "French")
    legal = _option(db, "specialisms", "Legal translation")
    three = add_mentor(db, [nw, spanish, legal])
    two = add_mentor(db, [london, spanish, legal])
    one = add_mentor(db, [london, french])
    add_mentor(db, [london])  # matches nothing selected
    found = matching.find_mentors(
        db,
        viewer=viewer,
        search=matching.Search(
            selected={"region": (nw,), "languages": (spanish, french), "specialisms": (legal,)}
        ),
    )
    assert [(r.user_id, r.score) for r in found.results] == [(three, 3), (two, 2), (one, 1)]
    assert found.criteria_count == 4 and found.total == 3
    assert found.results[0].matched == (
        "Region: North West",
        "Languages: Spanish",
        "Specialisms: Legal translation",
    )
    assert found.results[0].region == "North West" and found.results[0].languages == ("Spanish",)


def test_exact_single_value_field_filters_and_others_rank(db: Session, viewer: User) -> None:
    nw, london = _option(db, "region", "North West"), _option(db, "region", "London")
    spanish = _option(db, "languages", "Spanish")
    nw_spanish = add_mentor(db, [nw, spanish])
    nw_only = add_mentor(db, [nw])
    add_mentor(db, [london, spanish])
    found = matching.find_mentors(
        db,
        viewer=viewer,
        search=matching.Search(
            selected={"region": (nw,), "languages": (spanish,)}, exact=frozenset({"region"})
        ),
    )
    assert [r.user_id for r in found.results] == [nw_spanish, nw_only]
    [cost] = found.costs
    assert (cost.field_label, cost.values, cost.with_filter, cost.without_filter) == (
        "Region",
        ("North West",),
        2,
        3,
    )


def test_exact_many_value_field_needs_every_value(db: Session, viewer: User) -> None:
    spanish, french = _option(db, "languages", "Spanish"), _option(db, "languages", "French")
    both = add_mentor(db, [spanish, french])
    add_mentor(db, [spanish])
    found = matching.find_mentors(
        db,
        viewer=viewer,
        search=matching.Search(selected={"languages": (spanish, french)}, exact=frozenset({"languages"})),
    )
    assert [r.user_id for r in found.results] == [both]


def test_excluded_mentors_never_offered(db: Session, viewer: User) -> None:
    nw = _option(db, "region", "North West")
    ok = add_mentor(db, [nw])
    add_mentor(db, [nw], matchable=False)
    add_mentor(db, [nw], available=False)
    add_mentor(db, [nw], capacity=0)
    add_mentor(db, [nw], active=False)
    add_mentor(db, [nw], is_mentor=False)
    db.add(MemberCriterion(user_id=viewer.id, side=MENTOR_SIDE, option_id=nw))
    db.add(Profile(user_id=viewer.id, mentor_matchable=True))
    db.commit()
    for search in (matching.Search(selected={"region": (nw,)}), matching.Search()):
        assert [r.user_id for r in matching.find_mentors(db, viewer=viewer, search=search).results] == [ok]


def test_ties_break_by_places_left_then_answer_speed_then_activity_then_id(db: Session, viewer: User) -> None:
    nw = _option(db, "region", "North West")
    roomy = add_mentor(db, [nw], places_left=3, minutes_ago=500, name="Zed", completeness=60)
    quick = add_mentor(db, [nw], places_left=1, answer_hours=2, minutes_ago=400)
    slow = add_mentor(db, [nw], places_left=1, answer_hours=30, minutes_ago=1)
    recent = add_mentor(db, [nw], places_left=1, minutes_ago=1)  # never answered: after those who did
    older = add_mentor(db, [nw], places_left=1, minutes_ago=100, name="Zoe", completeness=100)
    tied = add_mentor(db, [nw], places_left=1, minutes_ago=100, name="Aaron")  # same time: by id, not name
    order = [roomy, quick, slow, recent, older, tied]
    for use_index in (True, False):
        found = matching.find_mentors(
            db, viewer=viewer, search=matching.Search(selected={"region": (nw,)}), use_index=use_index
        )
        assert [r.user_id for r in found.results] == order
        unranked = matching.find_mentors(db, viewer=viewer, search=matching.Search(), use_index=use_index)
        assert [r.user_id for r in unranked.results] == order


def test_keyword_searches_names_headlines_and_biographies(db: Session, viewer: User) -> None:
    nw = _option(db, "region", "North West")
    by_name = add_mentor(db, [nw], name="Zofia Kowalska")
    by_headline = add_mentor(db, [nw], headline="Subtitling and audiovisual specialist")
    add_mentor(db, [nw], headline="Patent translator")
    assert [
        r.user_id
        for r in matching.find_mentors(db, viewer=viewer, search=matching.Search(keyword="KOWAL")).results
    ] == [by_name]
    found = matching.find_mentors(
        db, viewer=viewer, search=matching.Search(selected={"region": (nw,)}, keyword="subtitling")
    )
    assert [r.user_id for r in found.results] == [by_headline]
    assert matching.find_mentors(db, viewer=viewer, search=matching.Search(keyword="100%_")).total == 0


def test_pages_of_twenty(db: Session, viewer: User) -> None:
    nw = _option(db, "region", "North West")
    ids = [add_mentor(db, [nw], minutes_ago=i) for i in range(45)]
    seen = []
    for page in (1, 2, 3):
        found = matching.find_mentors(
            db, viewer=viewer, search=matching.Search(selected={"region": (nw,)}, page=page)
        )
        assert found.pages == 3 and found.page == page
        seen += [r.user_id for r in found.results]
    assert seen == ids
    past_the_end = matching.find_mentors(
        db, viewer=viewer, search=matching.Search(selected={"region": (nw,)}, page=9)
    )
    assert past_the_end.page == 3 and len(past_the_end.results) == 5


def test_unknown_options_and_fields_are_ignored(db: Session, viewer: User) -> None:
    nw = _option(db, "region", "North West")
    mentor = add_mentor(db, [nw])
    found = matching.find_mentors(
        db,
        viewer=viewer,
        search=matching.Search(
            selected={"region": (nw, 999_999), "nonsense": (1,)}, exact=frozenset({"nonsense"})
        ),
    )
    assert [r.user_id for r in found.results] == [mentor] and found.criteria_count == 1


def test_query_plan_uses_the_criteria_index(db: Session, viewer: User) -> None:
    nw, spanish = _option(db, "region", "North West"), _option(db, "languages", "Spanish")
    fields = load_fields(db)
    statement = matching.search_statement(
        matching.Search(selected={"region": (nw,), "languages": (spanish,)}, exact=frozenset({"region"})),
        fields,
        viewer.id,
        db.get_bind().dialect.name,
    )
    compiled = statement.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    if db.get_bind().dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all())
        assert "ix_member_criteria_offer" in plan, plan
    else:
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.execute(text(f"EXPLAIN {compiled}")).all())
        assert "ix_member_criteria_offer" in plan, plan
        db.rollback()


# Property tests: random mentors and searches against a reference written in plain Python.

REGIONS = ["North West", "London", "Wales"]
LANGUAGES = ["Spanish", "French", "German", "Welsh"]
SPECIALISMS = ["Legal translation", "Medical translation"]
# Keywords of every length (the SQLite index serves words of three characters or more), case and
# accents, quotes and LIKE wildcards: the database must agree with a plain substring test.
HEADLINES = ["Court interpreter", "Legal & co translator", "Zoë Ångström, conference interpreter", "50% wit"]
KEYWORDS = ["", "court", "CO", "interp", "ZOË", "legal co", "ter", '"', "%", "xyz", "ångström inter"]

mentor_strategy = st.fixed_dictionaries(
    {
        "region": st.sampled_from([None, *REGIONS]),
        "languages": st.sets(st.sampled_from(LANGUAGES), max_size=3),
        "specialisms": st.sets(st.sampled_from(SPECIALISMS), max_size=2),
        "offered": st.sampled_from([True, True, True, False]),
        "places_left": st.integers(0, 2),
        "answer_hours": st.sampled_from([None, 1, 5]),
        "minutes_ago": st.integers(0, 5),
        "headline": st.sampled_from(HEADLINES),
    }
)
search_strategy = st.fixed_dictionaries(
    {
        "region": st.sets(st.sampled_from(REGIONS), max_size=2),
        "languages": st.sets(st.sampled_from(LANGUAGES), max_size=3),
        "specialisms": st.sets(st.sampled_from(SPECIALISMS), max_size=2),
        "exact": st.sets(st.sampled_from(["region", "languages", "specialisms"]), max_size=2),
        "nice": st.sets(st.sampled_from(["region", "languages", "specialisms"]), max_size=2),
        "page": st.integers(1, 3),
        "keyword": st.sampled_from(KEYWORDS),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mentors=st.lists(mentor_strategy, max_size=30), wanted=search_strategy)
def test_results_agree_with_a_plain_python_reference(
    db: Session, viewer: User, mentors: list, wanted: dict
) -> None:
    db.execute(delete(MemberCriterion).where(MemberCriterion.user_id != viewer.id))
    db.execute(delete(Profile).where(Profile.user_id != viewer.id))
    db.execute(delete(User).where(User.id != viewer.id))
    db.commit()
    ids = {
        key: {label: _option(db, key, label) for label in labels}
        for key, labels in (("region", REGIONS), ("languages", LANGUAGES), ("specialisms", SPECIALISMS))
    }
    people = []
    for mentor in mentors:
        options = {ids["languages"][x] for x in mentor["languages"]} | {
            ids["specialisms"][x] for x in mentor["specialisms"]
        }
        if mentor["region"]:
            options.add(ids["region"][mentor["region"]])
        user_id = add_mentor(
            db,
            list(options),
            matchable=mentor["offered"],
            places_left=mentor["places_left"],
            answer_hours=mentor["answer_hours"],
            minutes_ago=mentor["minutes_ago"],
            headline=mentor["headline"],
        )
        people.append((user_id, options, mentor))
    selected = {
        key: tuple(sorted(ids[key][x] for x in wanted[key])) for key in ("region", "languages", "specialisms")
    }
    selected = {k: v for k, v in selected.items() if v}
    exact = frozenset(k for k in wanted["exact"] if k in selected)
    nice = frozenset(k for k in wanted["nice"] if k in selected and k not in exact)
    weight = {k: 1 if k in nice else 3 for k in selected}  # Important 3, Nice to have 1, Must as Important
    search = matching.Search(
        selected=selected, exact=exact, keyword=wanted["keyword"], page=wanted["page"], nice=nice
    )
    names = dict(db.execute(select(User.id, User.name)).all())

    # The reference: filter, score, order exactly as the product describes.

    def passing(exact_fields: frozenset[str]) -> list:
        kept = []
        for user_id, options, mentor in people:
            if not mentor["offered"] or not options:  # a matchable mentor always has criteria
                continue
            haystack = f"{names[user_id]} {mentor['headline']}".casefold()
            if not all(word in haystack for word in wanted["keyword"].casefold().split()):
                continue
            score = sum(weight[k] * len(options & set(ids)) for k, ids in selected.items())
            if selected and score == 0:
                continue
            if any(
                not (options & set(selected[k])) if k == "region" else not set(selected[k]) <= options
                for k in exact_fields
            ):
                continue
            kept.append((user_id, score, mentor))
        return kept

    expected = passing(exact)
    # What each exact filter costs: how many pass without it.
    expected_costs = sorted((k, len(passing(exact - {k}))) for k in exact)
    expected.sort(
        key=lambda e: (
            -e[1],
            -e[2]["places_left"],
            e[2]["answer_hours"] is None,
            e[2]["answer_hours"] or 0,
            e[2]["minutes_ago"],
            e[0],
        )
    )
    found_all = []
    pages = max(1, -(-len(expected) // matching.PAGE_SIZE))
    for page in range(1, pages + 1):
        found = matching.find_mentors(
            db, viewer=viewer, search=matching.Search(selected, exact, wanted["keyword"], page, nice)
        )
        # The in-process index (the default) and the SQL reference give the same answer.
        assert found == matching.find_mentors(
            db,
            viewer=viewer,
            search=matching.Search(selected, exact, wanted["keyword"], page, nice),
            use_index=False,
        )
        assert found.total == len(expected)
        labels = {spec.label: spec.key for spec in load_fields(db)}
        costs = sorted((labels[c.field_label], c.without_filter) for c in found.costs)
        assert costs == expected_costs
        assert all(c.with_filter == len(expected) for c in found.costs)
        scores = [r.points for r in found.results]
        assert scores == sorted(scores, reverse=True)  # scores never increase down the list
        for result in found.results:
            assert result.score == len(result.matched)  # the count shown is what matched
        found_all += [(r.user_id, r.points) for r in found.results]
    assert found_all == [(user_id, score) for user_id, score, _ in expected]  # no page loses or repeats
    assert search.page >= 1


def test_search_survives_the_url_round_trip() -> None:
    from mentoring_app.state.find_mentor import query_for, search_from_query

    search = matching.Search(
        selected={"region": (3, 5), "languages": (40,)},
        exact=frozenset({"region"}),
        keyword="legal & co",
        page=2,
    )
    query = query_for(search)
    from urllib.parse import parse_qsl

    assert search_from_query(dict(parse_qsl(query)), ["region", "languages", "specialisms"]) == search
    junk = search_from_query({"region": "1,x,-4,,2", "page": "zz"}, ["region"])
    assert junk.selected == {"region": (1, 2)} and junk.page == 1


def test_only_mentees_and_admins_search(db: Session, make_member) -> None:
    from mentoring_app.services.errors import NotAllowed

    mentor_only = make_member(role="mentor")
    with pytest.raises(NotAllowed):
        matching.find_mentors(db, viewer=mentor_only, search=matching.Search())
    with pytest.raises(NotAllowed):
        matching.find_mentors(db, viewer=None, search=matching.Search())


def test_saved_criteria_start_the_next_search(db: Session, viewer: User) -> None:
    from mentoring_app.services.discovery import profiles
    from mentoring_app.services.errors import NotAllowed, ValidationFailed

    nw, wales = _option(db, "region", "North West"), _option(db, "region", "Wales")
    welsh = _option(db, "languages", "Welsh")
    assert (
        profiles.save_sought_criteria(
            db, actor=viewer, criteria={"region": [nw, wales], "languages": [welsh]}
        )
        == 3
    )
    assert matching.saved_search(db, viewer=viewer).selected == {
        "region": tuple(sorted((nw, wales))),
        "languages": (welsh,),
    }
    with pytest.raises(ValidationFailed):
        profiles.save_sought_criteria(db, actor=viewer, criteria={"region": [123456]})
    mentor = add_mentor(db, [nw])
    with pytest.raises(NotAllowed):
        profiles.save_sought_criteria(db, actor=db.get(User, mentor), criteria={"region": [nw]})
