"""Find mentor: the search lives in the URL (shareable, survives a reload); the state holds only
the current page of results as small view models."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, TypedDict
from urllib.parse import urlencode

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import faces, routes
from mentoring_app.models import User
from mentoring_app.services.discovery import importance, matching, mentor_alerts, profiles, shortlist
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.state.criteria_picker import CriteriaPicker, FieldView, field_views, option_ids
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState
from mentoring_app.storage import thumb_url

MAX_PAGE = 100_000  # far past any real result list; keeps the query's OFFSET a sane number


class ResultView(TypedDict):
    id: int
    name: str
    headline: str
    photo: str
    initials: str
    colour: str
    region: str
    languages: str
    match_line: str
    fit: str  # "Fit 82 %"
    missing: str  # "Missing (important): Region: North West"
    matched: list[str]
    profile_url: str
    saved: bool


class SavedRow(TypedDict):
    id: int
    name: str
    headline: str
    photo: str
    initials: str
    colour: str
    status: str
    available: bool
    profile_url: str  # "" when their profile can no longer be opened


def _saved_rows(views: list[shortlist.SavedView]) -> list[SavedRow]:
    return [
        SavedRow(
            id=v.mentor_id,
            name=v.name,
            headline=v.headline,
            photo=thumb_url(v.photo),
            initials=faces.initials(v.name),
            colour=faces.colour(v.mentor_id),
            status=v.status,
            available=v.available,
            profile_url=f"{routes.MEMBERS}/{v.mentor_id}" if v.visible else "",
        )
        for v in views
    ]


def _saved_after(session: Session, viewer: User, *, mentor_id: int, save: bool) -> list[shortlist.SavedView]:
    """Save or remove a mentor on the viewer's own shortlist, and read it back (one trip)."""
    if save:
        shortlist.save_mentor(session, actor=viewer, mentor_id=mentor_id)
    else:
        shortlist.remove_mentor(session, actor=viewer, mentor_id=mentor_id)
    return shortlist.list_shortlist(session, actor=viewer)


class AlertRow(TypedDict):
    id: int
    description: str
    matching_now: str


def _alert_rows(views: list[mentor_alerts.AlertView]) -> list[AlertRow]:
    return [
        AlertRow(
            id=v.id,
            description=v.description,
            matching_now=f"{_count(v.matching_now, 'mentor')} match{'es' if v.matching_now == 1 else ''} now",
        )
        for v in views
    ]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# The fingerprint of the vocabulary last drawn: (its cached fields list, digest).
_DIGEST: tuple[list[FieldSpec] | None, str] = (None, "")


def _vocabulary_digest(specs: list[FieldSpec]) -> str:
    """A stable fingerprint of the vocabulary, to send the options only when they changed
    (worked out once per vocabulary read: the cached list is the same object until then)."""
    global _DIGEST
    if _DIGEST[0] is not specs:
        text = repr([(s.key, s.label, s.multiple, s.choices) for s in specs])
        _DIGEST = (specs, hashlib.sha256(text.encode()).hexdigest()[:16])
    return _DIGEST[1]


def search_from_query(params: dict[str, str], keys: list[str]) -> matching.Search:
    """Read a search from URL parameters: ``region=1,2&exact=region&nice=languages&q=legal&page=2``."""
    selected = {}
    for key in keys:
        raw = params.get(key, "")
        ids = tuple(i for i in option_ids(raw.split(",")) if i > 0) if raw else ()
        if ids:
            selected[key] = ids
    page = params.get("page", "1")
    return matching.Search(
        selected=selected,
        exact=frozenset(k for k in params.get("exact", "").split(",") if k),
        keyword=params.get("q", "")[:100],
        page=min(as_id(page), MAX_PAGE) or 1,
        nice=frozenset(k for k in params.get("nice", "").split(",") if k),
    )


def query_for(search: matching.Search) -> str:
    """The URL query for a search (the page is always there, marking an explicit search)."""
    params: dict[str, str] = {key: ",".join(map(str, ids)) for key, ids in search.selected.items() if ids}
    if search.exact:
        params["exact"] = ",".join(sorted(search.exact))
    if search.nice:
        params["nice"] = ",".join(sorted(search.nice))
    if search.keyword:
        params["q"] = search.keyword
    params["page"] = str(search.page)
    return urlencode(params)


@dataclass(frozen=True)
class _Answer:
    """Everything one Find mentor answer needs, read in one session."""

    specs: list[FieldSpec]
    search: matching.Search
    found: matching.SearchResults | None  # None: the member may not search (``refusal`` says why)
    refusal: str
    alerts: list[mentor_alerts.AlertView] | None  # None: not read again (only a page load reads them)
    saved: list[shortlist.SavedView] | None = None  # the mentee's shortlist (None: not a mentee)


def search_from_form(form: FormData, specs: list[FieldSpec]) -> matching.Search:
    """Read a submitted Find mentor form (each field's ticked option ids, exact fields, each field's
    importance, keyword)."""
    selected = {}
    for spec in specs:
        ids = tuple(i for i in option_ids(form.getlist(spec.key)) if i > 0)
        if ids:
            selected[spec.key] = ids
    keyword = form.get("q", "")
    page = form.get("page", "1")
    return matching.Search(
        selected=selected,
        exact=frozenset(v for v in form.getlist("exact") if isinstance(v, str) and v in selected),
        keyword=keyword[:100] if isinstance(keyword, str) else "",
        page=min(as_id(page), MAX_PAGE) or 1,
        nice=frozenset(key for key in selected if form.get(importance_input(key)) == importance.NICE),
    )


def importance_input(key: str) -> str:
    """The form's name for a field's Important / Nice to have choice."""
    return f"importance_{key}"


def filter_count(search: matching.Search) -> int:
    """What the phone's Filters (n) button counts: the chosen values, and the keyword if any."""
    return search.criteria_count + (1 if search.keyword else 0)


def _answer(
    session: Session,
    viewer: User,
    *,
    search: matching.Search | None,
    params: dict[str, str] | None,
    form: FormData | None,
) -> _Answer:
    """The vocabulary, the search (given; else the submitted ``form``; else the one in the URL's
    ``params``; else the mentee's saved criteria), its page of results and the mentee's alerts."""
    specs = load_fields(session)
    if search is None and form is not None:
        search = search_from_form(form, specs)
    if search is None:
        keys = [s.key for s in specs]
        if params and any(key in params for key in ("page", "q", "exact", "nice", *keys)):
            search = search_from_query(params, keys)
        else:
            search = matching.saved_search(session, viewer=viewer)
    try:
        found = matching.find_mentors(session, viewer=viewer, search=search)
    except ServiceError as refusal:
        return _Answer(specs, search, None, refusal.message, [])
    alerts: list[mentor_alerts.AlertView] | None = []
    if params is None:  # a search or another page: the alerts on screen stand (Notify me and Stop
        alerts = None  # refresh them; the page's load reads them)
    elif viewer.is_mentee:
        alerts = mentor_alerts.list_alerts(session, actor=viewer)
    saved = shortlist.list_shortlist(session, actor=viewer) if viewer.is_mentee else None
    return _Answer(specs, search, found, "", alerts, saved)


# The vocabulary as the form draws it, by digest: shared by every tab this process serves.
_DRAWN: dict[str, list[FieldView]] = {}


class FindMentorState(CriteriaPicker, SessionState):
    loaded: bool = False
    allowed: bool = True
    refusal: str = ""
    errors: dict[str, str] = {}
    # The vocabulary as the form draws it: sent again only when an admin has changed it.
    fields: list[FieldView] = []
    # What the search on screen chose: input name -> ticked option ids, exact fields, their costs.
    chosen: dict[str, list[str]] = {}
    exact_keys: list[str] = []
    nice_keys: list[str] = []
    cost_of: dict[str, str] = {}
    keyword: str = ""
    results: list[ResultView] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    criteria_count: int = 0
    costs: list[str] = []
    filters_chosen: int = 0
    # The form is drawn again (its inputs keep what the member ticks) only when a page load or
    # Back and Forward bring another search: a search as the member chooses leaves it, and the
    # focus, where they are. ``open_keys``: the fields shown open (those with a choice).
    form_key: str = ""
    open_keys: list[str] = []
    can_save: bool = False
    saved_note: str = ""  # after Save these criteria: what was saved (once it is in the database)
    # Notify me: the exact fields of the search on screen, and the mentee's alerts.
    can_alert: bool = False
    alert_error: str = ""
    alerts: list[AlertRow] = []
    # The mentee's shortlist (Save mentor on each result).
    shortlist: list[SavedRow] = []
    _selected: dict[str, list[int]] = {}
    _exact: list[str] = []
    _nice: list[str] = []
    _fields_digest: str = ""
    _query: str = ""
    _loads: int = 0

    # The vocabulary is the same for every tab (about 16 KB as the form draws it): it is not
    # stored with each tab's state in Redis, but drawn again from this process's copy when a
    # tab's state comes back (see _DRAWN). The browser keeps its own copy all along.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("fields", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        drawn = _DRAWN.get(vars(self).get("_fields_digest", ""))
        if drawn is None:  # a vocabulary this process has not drawn: the next answer sends it
            vars(self)["_fields_digest"] = ""
        vars(self)["fields"] = drawn or []

    @rx.event
    async def load(self):
        """Opening the page (or Back and Forward): the search in the URL, else the saved criteria."""
        params = dict(self.router.url.query_parameters)
        user, answer = await self._open_page(_answer, search=None, params=params, form=None)
        if user is not None:
            self._show(user, answer)
            # Always another key: Back to the search the form was drawn with must undo the ticks made since.
            self._loads += 1
            self.form_key = f"{self._loads}:{self._query}"
            first = {f["key"] for f in self.fields[:2]}  # Region and Languages: the usual starts
            self.open_keys = sorted(set(self._selected) | set(self._exact) | first)
        return self._page_opened(user)

    def _show(self, user: User, answer: _Answer | ServiceError | None) -> None:
        """Put a search's page of results on screen."""
        if not isinstance(answer, _Answer):  # refused outside the search itself
            message = answer.message if isinstance(answer, ServiceError) else ""
            answer = _Answer([], matching.Search(), None, message, [])
        if answer.found is None:
            self.allowed, self.refusal, self.loaded = False, answer.refusal, True
            return
        specs, found = answer.specs, answer.found
        search = matching.clean_search(answer.search, specs)
        self.allowed, self.can_save = True, user.is_mentee
        self._selected = {k: list(v) for k, v in search.selected.items()}
        self._exact = sorted(search.exact)
        self._nice = sorted(search.nice)
        self.can_alert, self.alert_error = bool(search.exact), ""
        if answer.alerts is not None:
            self.alerts = _alert_rows(answer.alerts)
        digest = _vocabulary_digest(specs)
        if digest != self._fields_digest:
            if digest not in _DRAWN:
                _DRAWN.clear()  # only the current vocabulary is worth keeping
                _DRAWN[digest] = field_views(specs, {}, one_value_as_select=False)
            self.fields, self._fields_digest = _DRAWN[digest], digest
        # Only the type-to-find fields need their chips again; the ticks are ids.
        self._set_picker_chips(specs, search.selected)
        self.chosen = {
            spec.key: [str(c.id) for c in spec.choices if c.id in search.selected.get(spec.key, ())]
            for spec in specs
        }
        self.exact_keys = sorted(search.exact)
        self.nice_keys = sorted(search.nice)
        costs = {c.field_label: c for c in found.costs}
        self.cost_of = {}
        for spec in specs:
            cost = costs.get(spec.label)
            if cost:
                values = ", ".join(cost.values)
                self.cost_of[spec.key] = (
                    f"{cost.field_label}: {values} leaves {_count(cost.with_filter, 'mentor')}; "
                    f"without it, {cost.without_filter}."
                )
        self.costs = list(self.cost_of.values())
        self.keyword = search.keyword
        self.filters_chosen = filter_count(search)
        self.total, self.page, self.pages, self.criteria_count = (
            found.total,
            found.page,
            found.pages,
            found.criteria_count,
        )
        if answer.saved is not None:
            self.shortlist = _saved_rows(answer.saved)
        saved_ids = {row["id"] for row in self.shortlist}
        self.results = [
            ResultView(
                id=r.user_id,
                name=r.name,
                headline=r.headline,
                photo=thumb_url(r.photo),
                initials=faces.initials(r.name),
                colour=faces.colour(r.user_id),
                region=r.region,
                languages=", ".join(r.languages),
                match_line=f"Matches {r.score} of {found.criteria_count} criteria"
                if found.criteria_count
                else "",
                fit=f"Fit {r.fit} %" if found.criteria_count else "",
                missing=f"Missing (important): {'; '.join(r.missing)}" if r.missing else "",
                matched=list(r.matched),
                profile_url=f"{routes.MEMBERS}/{r.user_id}",
                saved=r.user_id in saved_ids,
            )
            for r in found.results
        ]
        self._query = query_for(search)
        self.saved_note = ""  # another search on screen: not what was saved
        self.loaded = True

    async def _show_and_remember(
        self, search: matching.Search | None = None, form: FormData | None = None
    ) -> rx.event.EventSpec:
        """One event per search, one trip to the database: the results come with this event's
        answer, and the URL follows (a history entry, so Back returns to the previous search)
        without loading the page again."""
        user, answer = await self._as_member(_answer, reads_only=True, search=search, params=None, form=form)
        if user is None:
            return self._login_redirect()
        self._show(user, answer)
        url = f"{routes.FIND_MENTOR}?{self._query}" if self._query else routes.FIND_MENTOR
        return rx.call_script(f"window.history.pushState(null, '', {json.dumps(url)})")

    @rx.event
    async def search(self, form: FormData):
        """Search with the criteria in the form as the member chooses them (the browser sends the
        form once a change has settled, see components/search_form.py), with the page it asks
        for (paging submits the form too, so it always keeps the search on screen), and put them
        in the URL."""
        return await self._show_and_remember(form=form)

    @rx.event
    async def save_criteria(self):
        """Save the criteria of the search on screen, with each field's importance, as what the
        mentee looks for (Find mentor, Recommended for you and Notify me start from them). The
        service commits before it returns: only then does the page say so."""
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        try:
            count = await call(
                profiles.save_sought_criteria,
                actor=user,
                criteria=dict(self._selected),
                exact=list(self._exact),
                nice=list(self._nice),
            )
        except ServiceError as refusal:
            self.saved_note = ""
            return rx.toast.error(refusal.message)
        noun = _count(count, "criterion").replace("criterions", "criteria")
        self.saved_note = f"Saved {noun} to your profile, with how much each counts."
        return None

    @rx.event
    async def notify_me(self):
        """Keep the exact criteria of the search on screen as an alert."""
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        search = matching.Search(
            selected={k: tuple(v) for k, v in self._selected.items()}, exact=frozenset(self._exact)
        )
        try:
            view = await call(mentor_alerts.create_alert, actor=user, search=search)
        except ValidationFailed as refusal:
            self.alert_error = refusal.errors.get("alert", refusal.message)
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.alert_error = ""
        self.alerts = _alert_rows(await call(mentor_alerts.list_alerts, actor=user))
        return rx.toast.success(
            f"Alert saved. We will tell you when a mentor matching {view.description} joins or becomes "
            "available."
        )

    @rx.event
    async def stop_alert(self, alert_id: int | str):
        """Stop one of the member's own alerts (the service refuses anyone else's)."""
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        try:
            await call(mentor_alerts.delete_alert, actor=user, alert_id=as_id(alert_id))
            self.alerts = _alert_rows(await call(mentor_alerts.list_alerts, actor=user))
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.alert_error = ""
        return rx.toast.success("Alert stopped.")

    async def _change_saved(self, mentor_id: int | str, *, save: bool):
        user, saved = await self._as_member(_saved_after, mentor_id=as_id(mentor_id), save=save)
        if user is None:
            return self._login_redirect()
        if isinstance(saved, ServiceError):
            return rx.toast.error(saved.message)
        if saved is None:
            return None
        self.shortlist = _saved_rows(saved)
        saved_ids = {row["id"] for row in self.shortlist}
        self.results = [{**r, "saved": r["id"] in saved_ids} for r in self.results]  # type: ignore[typeddict-item]
        return None

    @rx.event
    async def save_mentor(self, mentor_id: int | str):
        """Put a mentor on the member's own shortlist (the service checks who may save whom)."""
        return await self._change_saved(mentor_id, save=True)

    @rx.event
    async def remove_saved(self, mentor_id: int | str):
        """Take a mentor off the member's own shortlist."""
        return await self._change_saved(mentor_id, save=False)
