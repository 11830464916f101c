"""Find mentor: weighted match ranking, Must match (exact) filters, keyword search, paging, and
what each Must match filter costs.

Two paths give the same answer. The in-process index (:mod:`matching_index`, kept fresh by
:mod:`matching_index_store`) scores bitsets in memory and reads only the page's mentors from the
database; it answers whenever it is fresh. The SQL path (:func:`search_statement`) is the
reference and the fallback: one grouped query over the criteria index. Every selected option a
mentor has counts its field's weight (:mod:`importance`: Important 3, Nice to have 1, Must match
as Important); exact (Must match) fields become conditions on the same grouped rows, so one pass
over the index rows of the selected options answers the whole search. Equal scores break by
places left, then how quickly the mentor usually answers (no answers yet: after those with), then
recent activity, then id: never by name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Integer, Select, Text, and_, any_, bindparam, case, cast, func, literal, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, User, keyword_index
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.services.discovery import importance, matching_index, matching_index_store
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields, option_labels
from mentoring_app.services.errors import NotAllowed
from mentoring_app.settings import get_settings

PAGE_SIZE = 20
MAX_KEYWORD_WORDS = 6


@dataclass(frozen=True)
class Search:
    """What the mentee asked for: option ids per field key, the fields that must match (exact),
    a keyword, the page, and the fields that are only Nice to have (the others are Important)."""

    selected: dict[str, tuple[int, ...]] = field(default_factory=dict)
    exact: frozenset[str] = frozenset()
    keyword: str = ""
    page: int = 1
    nice: frozenset[str] = frozenset()

    @property
    def criteria_count(self) -> int:
        return sum(len(ids) for ids in self.selected.values())

    @property
    def weights(self) -> dict[str, int]:
        """Each selected field's weight (see :mod:`importance`)."""
        return {key: importance.weight_of(key, self.exact, self.nice) for key in self.selected}


@dataclass(frozen=True)
class MentorResult:
    user_id: int
    name: str
    headline: str
    photo: str | None
    score: int  # how many of the selected criteria they match
    matched: tuple[str, ...]  # "Region: North West", "Languages: Spanish", ...
    region: str
    languages: tuple[str, ...]
    points: int = 0  # the weighted score that ranks them (see importance)
    fit: int = 0  # percent of the best possible weighted score
    missing: tuple[str, ...] = ()  # Important criteria not met: "Region: North West"


@dataclass(frozen=True)
class FilterCost:
    field_label: str
    values: tuple[str, ...]
    with_filter: int
    without_filter: int


@dataclass(frozen=True)
class SearchResults:
    results: tuple[MentorResult, ...]
    total: int
    page: int
    pages: int
    criteria_count: int
    costs: tuple[FilterCost, ...]


def clean_search(search: Search, fields: list[FieldSpec]) -> Search:
    """Keep only active fields and options; exact flags only on fields with selected values."""
    known = {spec.key: spec for spec in fields}
    selected: dict[str, tuple[int, ...]] = {}
    for key, ids in search.selected.items():
        spec = known.get(key)
        if spec is None:
            continue
        valid = spec.by_id
        kept = tuple(dict.fromkeys(i for i in ids if i in valid))
        if kept:
            selected[key] = kept
    words = " ".join(search.keyword.split()[:MAX_KEYWORD_WORDS])[:100]
    return Search(
        selected=selected,
        exact=frozenset(k for k in search.exact if k in selected),
        keyword=words,
        page=max(1, int(search.page)),
        nice=frozenset(k for k in search.nice if k in selected and k not in search.exact),
    )


def _offered(viewer_id: int | None) -> ColumnElement[bool]:
    """Mentors who may be offered (see :func:`offering.sync_offer`), other than the viewer."""
    condition = Profile.offered.is_(True)  # type: ignore[attr-defined]
    return and_(condition, User.id != viewer_id) if viewer_id is not None else condition


def is_offered(user: User, profile: Profile, accepted: int) -> bool:
    """Matchable, available, active, a mentor, and with room for one more mentee."""
    return bool(
        profile.mentor_matchable
        and profile.available
        and accepted < profile.capacity
        and user.is_active
        and user.is_mentor
    )


def _keyword(keyword: str, user_id: ColumnElement, dialect: str) -> ColumnElement[bool] | None:
    """Members whose name, headline or biography (case-folded) holds every word of the keyword.

    A substring match everywhere. PostgreSQL answers ``LIKE '%word%'`` from a trigram index on
    ``profiles.search_text``; SQLite from an FTS5 trigram table over the same column
    (:mod:`mentoring_app.models.keyword_index`), which needs words of three characters or more:
    shorter ones are checked with ``LIKE``.
    """
    words = keyword.casefold().split()
    if not words:
        return None
    indexed = [w for w in words if len(w) >= 3] if dialect == "sqlite" else []
    plain = [w for w in words if w not in indexed]
    conditions = []
    if indexed:
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        conditions.append(user_id.in_(keyword_index.sqlite_match().bindparams(phrase=phrase)))
    if plain:
        contains = (Profile.search_text.contains(w, autoescape=True) for w in plain)  # type: ignore[attr-defined]
        conditions.append(user_id.in_(select(Profile.user_id).where(*contains)))
    return and_(*conditions)


def exact_field_met(multiple: bool, hits: Any, wanted: int) -> Any:
    """The Exact match rule for one field, given how many of its ``wanted`` selected options a
    mentor has (``hits``): at least one for a one-value field (Region), all of them for a
    many-value field (Languages). Works on SQL expressions (Find mentor) and on numbers (alerts)."""
    return hits == wanted if multiple else hits >= 1


def _score(search: Search, option_id: Any) -> Any:
    """The weighted score over a mentor's rows of the selected options: a plain count times the
    weight when every field weighs the same (the common case), else each row its field's weight."""
    weights = search.weights
    if len(set(weights.values())) <= 1:
        return func.count() * next(iter(weights.values()), 1)
    nice = [i for key in search.nice for i in search.selected[key]]
    low, high = importance.WEIGHTS[importance.NICE], importance.WEIGHTS[importance.IMPORTANT]
    return func.sum(case((option_id.in_(nice), low), else_=high))


def tie_breaks(user_id: Any) -> list[Any]:
    """ORDER BY after the score: more places left, quicker usual answer (none yet: after), more
    recent activity, then id. Correlated look-ups, evaluated only for the mentors near the page;
    NULLS LAST on both dialects, so the index (see matching_index) orders them the same."""
    places = select(Profile.places_left).where(Profile.user_id == user_id).scalar_subquery()
    hours = select(Profile.answer_hours).where(Profile.user_id == user_id).scalar_subquery()
    last_active = select(User.last_active_at).where(User.id == user_id).scalar_subquery()
    return [places.desc().nulls_last(), hours.asc().nulls_last(), last_active.desc(), user_id]


def _scores(search: Search, fields: dict[str, FieldSpec], viewer_id: int | None, dialect: str) -> Select:
    """Per offered mentor having any selected option: the weighted score, and per exact field how
    many of its selected options they have (``hits_<key>``). A covering-index scan, no joins."""
    criterion = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    all_ids = [i for ids in search.selected.values() for i in ids]
    statement = (
        select(
            criterion.user_id.label("user_id"),
            _score(search, criterion.option_id).label("score"),
            *(
                func.sum(case((criterion.option_id.in_(search.selected[key]), 1), else_=0)).label(
                    f"hits_{key}"
                )
                for key in sorted(search.exact)
            ),
        )
        .where(criterion.side == MENTOR_SIDE, criterion.offered.is_(True), criterion.option_id.in_(all_ids))
        .group_by(criterion.user_id)
    )
    if viewer_id is not None:
        statement = statement.where(criterion.user_id != viewer_id)
    # On SQLite, ``user_id + 0`` keeps the planner on the covering index (probing the keyword
    # matches per row) instead of seeking every matching member's criteria: 55 ms -> 20 ms.
    user_id = criterion.user_id + 0 if dialect == "sqlite" else criterion.user_id
    keyword = _keyword(search.keyword, user_id, dialect)
    if keyword is not None:
        statement = statement.where(keyword)
    return statement


def _exact_conditions(search: Search, fields: dict[str, FieldSpec], scores: Any) -> dict[str, ColumnElement]:
    """Per exact field: one of its values (one-value field) or all of them (many-value field)."""
    return {
        key: exact_field_met(fields[key].multiple, scores.c[f"hits_{key}"], len(search.selected[key]))
        for key in search.exact
    }


def _without_each(search: Search, ok: dict[str, ColumnElement]) -> dict[str, ColumnElement]:
    return {key: and_(true(), *(c for k, c in ok.items() if k != key)) for key in sorted(search.exact)}


def _text_filter(search: Search, dialect: str) -> ColumnElement[bool]:
    keyword = _keyword(search.keyword, Profile.user_id, dialect)  # type: ignore[arg-type]
    return keyword if keyword is not None else true()


def search_statement(search: Search, fields: list[FieldSpec], viewer_id: int | None, dialect: str) -> Select:
    """The one query behind a page of results, as the service runs it (the benchmark times it bare).

    With criteria: score every offered mentor from the criteria index (materialised once), keep
    those passing every exact filter, and join profiles only for the mentors that can reach this
    page (score at least that of the last place on it) to break ties. Each row also carries the
    total and, per exact field, how many would pass without it: the costs beside Exact match.
    """
    offset = (search.page - 1) * PAGE_SIZE
    if not search.selected:
        total = select(func.count()).select_from(User).join(Profile, Profile.user_id == User.id)
        total = total.where(_offered(viewer_id), _text_filter(search, dialect))
        return (
            select(
                User.id.label("user_id"), literal(0).label("score"), total.scalar_subquery().label("total")
            )  # type: ignore[union-attr]
            .join(Profile, Profile.user_id == User.id)
            .where(_offered(viewer_id), _text_filter(search, dialect))
            .order_by(
                Profile.places_left.desc().nulls_last(),  # type: ignore[attr-defined]
                Profile.answer_hours.asc().nulls_last(),  # type: ignore[union-attr]
                User.last_active_at.desc(),  # type: ignore[union-attr]
                User.id,
            )
            .limit(PAGE_SIZE)
            .offset(offset)
        )
    known = {spec.key: spec for spec in fields}
    scores = _scores(search, known, viewer_id, dialect).cte("scores").prefix_with("MATERIALIZED")
    ok = _exact_conditions(search, known, scores)
    keep = and_(true(), *ok.values())
    without = _without_each(search, ok)
    # A histogram of the scores of the mentors who pass every filter (a handful of rows) gives the
    # total and the lowest score that can still appear on this page: only mentors at or above it
    # need their tie-breakers. Grouping only those mentors keeps the sort small under exact filters.
    stats = (
        select(scores.c.score, func.count().label("n"))
        .where(keep)
        .group_by(scores.c.score)
        .cte("stats")
        .prefix_with("MATERIALIZED")
    )
    reach = select(
        stats.c.score, stats.c.n, func.sum(stats.c.n).over(order_by=stats.c.score.desc()).label("reach")
    ).subquery("reach")
    last_place = (
        select(func.min(reach.c.score))
        .where(reach.c.reach - reach.c.n < offset + PAGE_SIZE)
        .scalar_subquery()
    )
    counts = [select(func.coalesce(func.sum(stats.c.n), 0)).scalar_subquery().label("total")]
    if without:
        # What each exact filter costs: one pass over the scores, no sorting.
        costs = (
            select(
                *(
                    func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"w_{key}")
                    for key, condition in without.items()
                )
            )
            .select_from(scores)
            .cte("costs")
            .prefix_with("MATERIALIZED")
        )
        counts += [select(costs.c[f"w_{key}"]).scalar_subquery().label(f"without_{key}") for key in without]
    return (
        select(scores.c.user_id, scores.c.score, *counts)
        .where(keep, scores.c.score >= func.coalesce(last_place, 0))
        .order_by(scores.c.score.desc(), *tie_breaks(scores.c.user_id))
        .limit(PAGE_SIZE)
        .offset(offset)
    )


def _counts(
    session: Session, search: Search, known: dict[str, FieldSpec], viewer_id: int, dialect: str
) -> tuple[int, dict[str, int]]:
    """Totals when the page itself has no rows (past the end, or nothing passes every filter)."""
    if not search.selected:
        total = select(func.count()).select_from(User).join(Profile, Profile.user_id == User.id)
        return int(
            session.execute(total.where(_offered(viewer_id), _text_filter(search, dialect))).scalar_one()
        ), {}
    scores = _scores(search, known, viewer_id, dialect).subquery()
    ok = _exact_conditions(search, known, scores)
    conditions = [and_(true(), *ok.values()), *_without_each(search, ok).values()]
    row = session.execute(
        select(*(func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in conditions)).select_from(scores)
    ).one()
    return int(row[0]), {key: int(v) for key, v in zip(sorted(search.exact), row[1:], strict=True)}


def count_exact(session: Session, *, search: Search, viewer_id: int | None) -> int:
    """How many offered mentors (other than the viewer) pass every exact filter of ``search``."""
    fields = load_fields(session)
    search = clean_search(search, fields)
    if not search.selected:
        return 0
    known = {spec.key: spec for spec in fields}
    dialect = session.get_bind().dialect.name
    return _counts(session, search, known, viewer_id, dialect)[0]  # type: ignore[arg-type]


def find_mentors(
    session: Session, *, viewer: User | None, search: Search, use_index: bool | None = None
) -> SearchResults:
    """One page of mentors for a logged-in member, best matches first, with filter costs.

    The in-process index (:mod:`matching_index`) answers when it is fresh; otherwise, or with
    ``use_index=False`` (the reference the tests compare it with), the SQL of
    :func:`search_statement` does, with the same order, totals and costs."""
    if viewer is None or not viewer.is_active:
        raise NotAllowed("Please log in to find a mentor.")
    if not (viewer.is_mentee or viewer.is_admin):
        raise NotAllowed("Find mentor is for mentees. Add the mentee role to look for a mentor.")
    fields = load_fields(session)
    known = {spec.key: spec for spec in fields}
    search = clean_search(search, fields)
    dialect = session.get_bind().dialect.name
    if use_index is None:
        use_index = get_settings().matching_index
    found = _page_by_index(session, search, known, viewer.id, dialect) if use_index else None  # type: ignore[arg-type]
    page, total, without, search = found or _page_by_sql(session, search, fields, viewer.id, dialect)  # type: ignore[arg-type]
    results = _describe(session, page, search, known)
    costs = tuple(
        FilterCost(
            field_label=known[key].label,
            values=tuple(known[key].by_id[i].label for i in search.selected[key]),
            with_filter=total,
            without_filter=without[key],
        )
        for key in sorted(search.exact, key=lambda k: fields.index(known[k]))
    )
    return SearchResults(
        results=results,
        total=total,
        page=search.page,
        pages=max(1, -(-total // PAGE_SIZE)),
        criteria_count=search.criteria_count,
        costs=costs,
    )


Page = tuple[list[tuple[int, int]], int, dict[str, int], Search]


def _last_page(search: Search, total: int) -> Search:
    """Past the end: the last page there is (a page number from an old link or URL)."""
    last_page = max(1, -(-total // PAGE_SIZE))
    if search.page <= last_page:
        return search
    return replace(search, page=last_page)


def _page_by_sql(
    session: Session, search: Search, fields: list[FieldSpec], viewer_id: int, dialect: str
) -> Page:
    """The page's (mentor, score) rows, the total and each exact filter's cost, from SQL."""
    known = {spec.key: spec for spec in fields}
    rows = session.execute(search_statement(search, fields, viewer_id, dialect)).all()
    if rows:
        total = int(rows[0].total)
        without = {key: int(getattr(rows[0], f"without_{key}")) for key in search.exact}
    else:
        total, without = _counts(session, search, known, viewer_id, dialect)
        if total:
            search = _last_page(search, total)
            rows = session.execute(search_statement(search, fields, viewer_id, dialect)).all()
    return [(row.user_id, row.score) for row in rows], total, without, search


def keyword_ids(session: Session, keyword: str, dialect: str) -> list[int] | None:
    """Members whose search text holds every word of the keyword (None: no keyword), by the same
    rule and index as :func:`_keyword` (FTS5 trigram table on SQLite for words of three
    characters or more, pg_trgm on PostgreSQL), asked directly rather than as ``IN`` a subquery,
    and read as one aggregated row (there can be tens of thousands)."""
    words = keyword.casefold().split()
    if not words:
        return None
    indexed = [w for w in words if len(w) >= 3] if dialect == "sqlite" else []
    plain = [w for w in words if w not in indexed]
    contains = [Profile.search_text.contains(w, autoescape=True) for w in plain]  # type: ignore[attr-defined]
    if indexed:
        phrase = " AND ".join('"' + w.replace('"', '""') + '"' for w in indexed)
        matches = keyword_index.sqlite_match().bindparams(phrase=phrase).subquery()
        if contains:
            matches = (
                select(Profile.user_id.label("user_id"))
                .where(  # type: ignore[attr-defined]
                    Profile.user_id.in_(select(matches.c.user_id)),
                    *contains,  # type: ignore[attr-defined]
                )
                .subquery()
            )
    else:
        matches = select(Profile.user_id.label("user_id")).where(*contains).subquery()  # type: ignore[attr-defined]
    joined = (
        func.string_agg(cast(matches.c.user_id, Text), ",")
        if dialect == "postgresql"
        else func.group_concat(matches.c.user_id)
    )
    found = session.execute(select(joined)).scalar()
    return list(map(int, found.split(","))) if found else []


def _page_by_index(
    session: Session, search: Search, known: dict[str, FieldSpec], viewer_id: int, dialect: str
) -> Page | None:
    """As :func:`_page_by_sql`, from the in-process index; None when it has no fresh index."""
    matches = keyword_ids(session, search.keyword, dialect)
    exact = {key: known[key].multiple for key in search.exact}
    weights = search.weights

    def answer(index: matching_index.MatchingIndex) -> Page:
        keyword = index.bits_of(matches) if matches is not None else None
        current = search
        ranked = index.rank(
            search.selected, exact, page=search.page, viewer_id=viewer_id, keyword=keyword, weights=weights
        )
        if not ranked.rows and ranked.total:
            current = _last_page(search, ranked.total)
            ranked = index.rank(
                search.selected,
                exact,
                page=current.page,
                viewer_id=viewer_id,
                keyword=keyword,
                weights=weights,
            )
        return ranked.rows, ranked.total, ranked.without, current

    return matching_index_store.store_for(session).run(session, answer)


@functools.cache
def _describe_statement(dialect: str) -> Select:
    """A page of mentors' names and faces, each with their mentor-side option ids joined in one
    text column (one statement and one row per mentor; built once per dialect: every search
    runs it)."""
    options = cast(MemberCriterion.option_id, Text)
    if dialect == "postgresql":  # one array parameter: the same SQL text whatever the page's size
        joined, among = func.string_agg(options, ","), User.id == any_(bindparam("ids", type_=ARRAY(Integer)))
    else:
        joined, among = func.group_concat(options, ","), User.id.in_(bindparam("ids", expanding=True))  # type: ignore[union-attr]
    return (
        select(User.id, User.name, Profile.headline, Profile.photo, joined.label("options"))
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .outerjoin(
            MemberCriterion,
            and_(MemberCriterion.user_id == User.id, MemberCriterion.side == MENTOR_SIDE),  # type: ignore[arg-type]
        )
        .where(among)
        .group_by(User.id, User.name, Profile.headline, Profile.photo)
    )


# The option labels of the vocabulary last described: (its fields, option id -> (key, label)).
_LABELS: tuple[tuple[FieldSpec, ...], dict[int, tuple[str, str]]] = ((), {})


def _labels(known: dict[str, FieldSpec]) -> dict[int, tuple[str, str]]:
    """Each option's field key and label, worked out once per vocabulary (the cached field
    objects stay the same until the vocabulary is read again)."""
    global _LABELS
    specs = tuple(known.values())
    cached_specs, labels = _LABELS
    if len(cached_specs) != len(specs) or any(a is not b for a, b in zip(cached_specs, specs, strict=True)):
        labels = {choice.id: (spec.key, choice.label) for spec in specs for choice in spec.choices}
        _LABELS = (specs, labels)
    return labels


def _describe(
    session: Session, page: list[tuple[int, int]], search: Search, known: dict[str, FieldSpec]
) -> tuple[MentorResult, ...]:
    """Names, headlines, region, languages, fit, and the criteria met and (Important) missed, for
    one page of mentors."""
    ids = [user_id for user_id, _ in page]
    if not ids:
        return ()
    dialect = session.get_bind().dialect.name
    people = {row.id: row for row in session.execute(_describe_statement(dialect), {"ids": ids}).all()}
    by_user = {
        user_id: [int(i) for i in row.options.split(",")] if row.options else []
        for user_id, row in people.items()
    }
    labels = _labels(known)
    retired = list({i for options in by_user.values() for i in options} - labels.keys())
    if retired:
        labels = {**labels, **option_labels(session, retired)}
    results = []
    weights = search.weights
    best = importance.best_score(search.selected, {k: s.multiple for k, s in known.items()}, weights)
    for user_id, score in page:
        person = people[user_id]
        options = by_user.get(user_id, [])
        matched = tuple(
            f"{known[labels[i][0]].label}: {labels[i][1]}"
            for key in known
            for i in search.selected.get(key, ())
            if i in options
        )
        results.append(
            MentorResult(
                user_id=user_id,
                name=person.name,
                headline=person.headline,
                photo=person.photo,
                score=len(matched),
                matched=matched,
                region=next((labels[i][1] for i in options if labels.get(i, ("",))[0] == "region"), ""),
                languages=tuple(
                    sorted(labels[i][1] for i in options if labels.get(i, ("",))[0] == "languages")
                ),
                points=int(score),
                fit=importance.fit_percent(int(score), best),
                missing=_missing(search, known, set(options)),
            )
        )
    return tuple(results)


def _missing(search: Search, known: dict[str, FieldSpec], options: set[int]) -> tuple[str, ...]:
    """The Important criteria a mentor does not meet: each missing value of a many-value field
    ("Languages: Spanish"), or a one-value field none of whose values they have ("Region: North
    West or Wales"). Must match fields are met by everyone listed; Nice to have ones are not named."""
    missing = []
    for key, spec in known.items():
        ids = search.selected.get(key, ())
        if not ids or importance.level_of(key, search.exact, search.nice) != importance.IMPORTANT:
            continue
        if spec.multiple:
            missing += [f"{spec.label}: {spec.by_id[i].label}" for i in ids if i not in options]
        elif not options.intersection(ids):
            missing.append(f"{spec.label}: " + " or ".join(spec.by_id[i].label for i in ids))
    return tuple(missing)


def saved_search(session: Session, *, viewer: User | None) -> Search:
    """The criteria a mentee saved on their profile, with their importance: where Find mentor
    starts. One statement: the profile's importance beside each saved option."""
    if viewer is None or not viewer.is_active:
        raise NotAllowed("Please log in to find a mentor.")
    rows = session.execute(
        select(Profile.sought_importance, MemberCriterion.option_id)
        .select_from(User)
        .outerjoin(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .outerjoin(
            MemberCriterion,
            and_(MemberCriterion.user_id == User.id, MemberCriterion.side == MENTEE_SIDE),  # type: ignore[arg-type]
        )
        .where(User.id == viewer.id)
    ).all()
    labels = option_labels(session, [row.option_id for row in rows if row.option_id is not None])
    selected: dict[str, list[int]] = {}
    for option_id, (key, _) in labels.items():
        selected.setdefault(key, []).append(option_id)
    must, nice = importance.decode((rows[0].sought_importance or "") if rows else "")
    chosen = {k: tuple(sorted(v)) for k, v in selected.items()}
    return Search(
        selected=chosen,
        exact=frozenset(k for k in must if k in chosen),
        nice=frozenset(k for k in nice if k in chosen),
    )
