"""My profile (the member's own, with private contact details) and members' public profiles."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import faces, timefmt
from mentoring_app.form_errors import FieldError, FormField, focus_script, in_page_order, not_saved
from mentoring_app.models import User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.models.types import utcnow
from mentoring_app.services.discovery import profiles, shortlist
from mentoring_app.services.discovery.vocabulary import FieldSpec, load_fields
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.mentoring import relationships, request_lists
from mentoring_app.state.availability import AvailabilityPart
from mentoring_app.state.criteria_picker import CriteriaPicker, FieldView, field_views, option_ids
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id, id_from_path
from mentoring_app.state.session import SessionState
from mentoring_app.state.uploads import megabytes, read_capped
from mentoring_app.storage import MAX_PHOTO_BYTES, delete_photo, photo_url, store_photo

PHOTO_TOO_BIG = f"Choose a JPEG, PNG or WebP picture of at most {megabytes(MAX_PHOTO_BYTES)}."


class MissingView(TypedDict):
    label: str
    needed: bool


class ErrorItem(TypedDict):
    """One line of the error summary at the top of My profile."""

    label: str
    message: str
    href: str  # "#<element id>": the summary's link to the field
    focus: str  # the script that focuses the field (run in the browser)


# My profile's own fields, with the labels the page shows (pages/my_profile.py reads them from
# here) and the ids of their inputs (components/forms.field makes "field-<name>").
def _own(key: str, label: str) -> FormField:
    return FormField(key, label, f"field-{key}")


ABOUT_FIELDS = (_own("name", "Name"), _own("headline", "Headline"), _own("bio", "Biography"))
CAPACITY_FIELD = _own("capacity", "Capacity (mentees at once)")
HELP_FIELD = _own("help_wanted", "What you want help with")
CONTACT_FIELDS = (
    _own("contact_email", "Contact email"),
    _own("phone", "Phone number"),
    _own("preferred", "Preferred way to be contacted"),
)
LABELS = {f.key: f.label for f in (*ABOUT_FIELDS, CAPACITY_FIELD, HELP_FIELD, *CONTACT_FIELDS)}


def _criteria(views: list[FieldView], side: str) -> list[FormField]:
    """Matching fields as the form draws them (components/criteria.py): a picker is focused by
    its find box, a select or a group of checkboxes by its own id."""
    return [
        FormField(
            v["input_name"],
            f"{v['label']} ({side})",
            v["input_name"] + "-find" if v["kind"] == "picker" else v["input_name"],
        )
        for v in views
    ]


def error_items(found: list[FieldError]) -> list[ErrorItem]:
    """The summary's lines: each field's label linking to it, and its message."""
    return [
        ErrorItem(
            label=e.label,
            message=e.message,
            href=f"#{e.element_id}" if e.element_id else "#main",
            focus=focus_script(e.element_id) if e.element_id else "",
        )
        for e in found
    ]


def form_fields(mentor_fields: list[FieldView], mentee_fields: list[FieldView]) -> list[FormField]:
    """Every field of My profile in the order the page shows it (the mentor and mentee parts only
    for members who have them: their lists are empty otherwise)."""
    mentor = [*_criteria(mentor_fields, "as a mentor"), CAPACITY_FIELD] if mentor_fields else []
    mentee = [HELP_FIELD, *_criteria(mentee_fields, "what you look for")] if mentee_fields else []
    return [*ABOUT_FIELDS, *mentor, *mentee, *CONTACT_FIELDS]


class ProfileState(AvailabilityPart, CriteriaPicker, SessionState):
    """The My profile form. Values start from the database; the browser keeps what was typed."""

    loaded: bool = False
    errors: dict[str, str] = {}
    error_summary: list[ErrorItem] = []  # the fields in error, in page order, after a refused save
    name: str = ""
    headline: str = ""
    bio: str = ""
    help_wanted: str = ""
    capacity: str = "2"
    available: bool = True
    contact_email: str = ""
    phone: str = ""
    preferred: str = "email"
    photo: str = ""
    user_id: int = 0
    mentor_fields: list[FieldView] = []
    mentee_fields: list[FieldView] = []
    percent: int = 0
    missing: list[MissingView] = []
    matchable: bool = False
    busy: bool = False
    photo_error: str = ""
    pending_prompt: int = 0  # requests waiting when the mentor just turned availability off

    @rx.var
    def initials(self) -> str:
        return faces.initials(self.name)

    @rx.var
    def face_colour(self) -> str:
        return faces.colour(self.user_id)

    def _show(self, own: profiles.OwnProfile, specs: list[FieldSpec]) -> None:
        self.user_id = own.user_id
        self.name, self.headline, self.bio, self.help_wanted = (
            own.name,
            own.headline,
            own.bio,
            own.help_wanted,
        )
        self.capacity, self.available = str(own.capacity), own.available
        self.contact_email, self.phone, self.preferred = own.contact_email, own.phone, own.preferred
        self.photo = photo_url(own.photo)
        self.mentor_fields = (
            field_views(specs, own.mentor_criteria, prefix=f"{MENTOR_SIDE}__") if own.is_mentor else []
        )
        # What a mentee looks for may span several values of a one-value field (several regions).
        self.mentee_fields = (
            field_views(specs, own.mentee_criteria, prefix=f"{MENTEE_SIDE}__", one_value_as_select=False)
            if own.is_mentee
            else []
        )
        self._set_pickers([*self.mentor_fields, *self.mentee_fields])
        self._show_completeness(own.completeness)

    def _show_completeness(self, done: profiles.Completeness) -> None:
        self.percent = done.percent
        self.missing = [MissingView(label=m.label, needed=m.needed_to_match) for m in done.missing]
        self.matchable = done.mentor_matchable

    @rx.event
    async def load(self):
        """Fresh values from the database; the form is re-mounted so its fields start from them."""
        self.loaded = False
        yield
        user = await self._current_member()
        if user is None:
            return
        own = await call(profiles.own_profile, actor=user)
        specs = await call(load_fields)
        self.errors, self.error_summary = {}, []
        self._show(own, specs)
        await self._load_availability(user)
        self.loaded = True

    @rx.event
    async def save(self, form: FormData):
        user = await self._current_member()
        if user is None:
            yield self._login_redirect()
            return
        self.busy = True
        yield

        def text(name: str, limit: int = 5000) -> str:
            value = form.get(name, "")
            return value[:limit] if isinstance(value, str) else ""

        criteria: dict[str, dict[str, list[int]]] = {MENTOR_SIDE: {}, MENTEE_SIDE: {}}
        for view in [*self.mentor_fields, *self.mentee_fields]:
            side, key = view["input_name"].split("__", 1)
            criteria[side][key] = option_ids(form.getlist(view["input_name"]))
        changes = profiles.ProfileChanges(
            name=text("name", 200),
            headline=text("headline"),
            bio=text("bio"),
            help_wanted=text("help_wanted"),
            capacity=text("capacity", 10),
            available=bool(form.get("available")),
            contact_email=text("contact_email", 300),
            phone=text("phone", 60),
            preferred=text("preferred", 20),
            mentor_criteria=criteria[MENTOR_SIDE],
            mentee_criteria=criteria[MENTEE_SIDE],
        )
        try:
            own = await call(profiles.update_profile, actor=user, user_id=user.id, changes=changes)
        except ValidationFailed as failure:
            self.errors = failure.errors
            found = in_page_order(failure.errors, form_fields(self.mentor_fields, self.mentee_fields))
            self.error_summary = error_items(found)
            self.busy = False
            yield rx.toast.error(not_saved("Your profile", found))
            first = next((e.element_id for e in found if e.element_id), "")
            if first:  # to the first field in error, as the page shows them
                yield rx.call_script(focus_script(first))
            return
        except ServiceError as refusal:
            self.busy = False
            yield rx.toast.error(refusal.message)
            return
        self.errors, self.error_summary = {}, []
        self.name = own.name
        self.member_name = own.name
        was_available, self.available = self.available, own.available
        self._show_completeness(own.completeness)
        self.busy = False
        if own.is_mentor and was_available and not own.available:
            self.pending_prompt = await call(request_lists.pending_count, actor=user)
        yield rx.toast.success("Your profile has been saved.")

    @rx.event
    async def keep_pending(self) -> None:
        self.pending_prompt = 0

    @rx.event
    async def decline_pending(self):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        declined = await call(relationships.decline_all_pending, actor=user)
        self.pending_prompt = 0
        return rx.toast.success(f"Declined {declined} waiting request(s); the mentees have been told.")

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        user = await self._current_member()
        if user is None:
            yield self._login_redirect()
            return
        self.photo_error = ""
        if not files:
            self.photo_error = "Choose a picture first."
            return
        data = await read_capped(files[0], MAX_PHOTO_BYTES)
        if data is None:
            self.photo_error = PHOTO_TOO_BIG
            return
        try:
            name = await asyncio.to_thread(store_photo, data)
        except ValidationFailed as failure:
            self.photo_error = failure.errors["photo"]
            return
        old = await call(profiles.set_photo, actor=user, filename=name)
        await asyncio.to_thread(delete_photo, old)
        self.photo = photo_url(name)
        yield rx.toast.success("Your photo has been updated.")

    @rx.event
    def photo_rejected(self, _rejections: list) -> None:
        """The browser refused the file before sending it (too large or not a picture)."""
        self.photo_error = PHOTO_TOO_BIG

    @rx.event
    async def remove_photo(self):
        user = await self._current_member()
        if user is None:
            return
        old = await call(profiles.set_photo, actor=user, filename=None)
        await asyncio.to_thread(delete_photo, old)
        self.photo = ""
        yield rx.toast.success("Your photo has been removed.")


class CriterionGroup(TypedDict):
    label: str
    values: list[str]


def _public_profile(
    session: Session, viewer: User, *, user_id: int
) -> tuple[profiles.PublicProfile, bool] | None:
    """A member's public profile as ``viewer`` may see it, and whether they are on the viewer's
    shortlist (None: no such member in the URL)."""
    if not user_id:
        return None
    public = profiles.public_profile(session, viewer=viewer, user_id=user_id)
    return public, shortlist.is_saved(session, actor=viewer, mentor_id=user_id)


def _save_or_remove(session: Session, viewer: User, *, mentor_id: int, save: bool) -> bool:
    """Save or remove a mentor on the viewer's own shortlist; whether they are on it now."""
    if save:
        shortlist.save_mentor(session, actor=viewer, mentor_id=mentor_id)
    else:
        shortlist.remove_mentor(session, actor=viewer, mentor_id=mentor_id)
    return shortlist.is_saved(session, actor=viewer, mentor_id=mentor_id)


class PublicProfileState(SessionState):
    """Another member's public profile. Contact details are never loaded here."""

    found: bool = False
    checked: bool = False
    profile_id: int = 0
    name: str = ""
    headline: str = ""
    bio: str = ""
    help_wanted: str = ""
    photo: str = ""
    is_mentor_profile: bool = False
    is_mentee_profile: bool = False
    availability: str = ""
    member_since: str = ""
    last_active: str = ""
    responsiveness: str = ""
    offers: list[CriterionGroup] = []
    seeks: list[CriterionGroup] = []
    is_own: bool = False
    # Filled only for admins (the service refuses everyone else); partners come with requests.
    staff_contact: list[str] = []
    # Save mentor: shown to mentees on a mentor's profile (not their own).
    can_save_mentor: bool = False
    is_saved: bool = False

    @rx.var
    def initials(self) -> str:
        return faces.initials(self.name)

    @rx.var
    def face_colour(self) -> str:
        return faces.colour(self.profile_id)

    async def _change_saved(self, mentor_id: int | str, *, save: bool):
        user, saved = await self._as_member(_save_or_remove, mentor_id=as_id(mentor_id), save=save)
        if user is None:
            return self._login_redirect()
        if isinstance(saved, ServiceError):
            return rx.toast.error(saved.message)
        self.is_saved = bool(saved)
        return None

    @rx.event
    async def save_mentor(self, mentor_id: int | str):
        """Put this mentor on the member's own shortlist (the service checks who may save whom)."""
        return await self._change_saved(mentor_id, save=True)

    @rx.event
    async def remove_saved(self, mentor_id: int | str):
        """Take this mentor off the member's own shortlist."""
        return await self._change_saved(mentor_id, save=False)

    @rx.event
    async def load(self):
        viewer = await self._show_profile()
        return self._page_opened(viewer)

    async def _show_profile(self) -> User | None:
        """The profile in the URL, read with the page's checks (see SessionState._open_page)."""
        self.checked, self.found = False, False
        self.staff_contact = []
        self.can_save_mentor, self.is_saved = False, False
        member_id = id_from_path(self.router.url.path)
        viewer, found = await self._open_page(_public_profile, user_id=member_id)
        if viewer is None or not isinstance(found, tuple):
            self.checked = True
            return viewer
        public, self.is_saved = found
        self.profile_id = public.user_id
        self.name, self.headline, self.bio = public.name, public.headline, public.bio
        self.help_wanted, self.photo = public.help_wanted, photo_url(public.photo)
        self.is_mentor_profile, self.is_mentee_profile = public.is_mentor, public.is_mentee
        self.availability = (
            "Available for new mentees" if public.available and public.has_room else "Not taking new mentees"
        )
        self.member_since = public.member_since.strftime("%B %Y")
        self.last_active = "Last active " + timefmt.ago(public.last_active, utcnow())
        if public.answer_hours is None:
            self.responsiveness = "No requests answered yet"
        else:
            plural = "s" if public.answered != 1 else ""
            self.responsiveness = (
                f"Usually answers requests {timefmt.within(public.answer_hours)} "
                f"(last {public.answered} request{plural})"
            )
        self.offers = [
            CriterionGroup(label=label, values=list(values)) for label, values in public.mentor_criteria
        ]
        self.seeks = [
            CriterionGroup(label=label, values=list(values)) for label, values in public.mentee_criteria
        ]
        self.is_own = viewer.id == public.user_id
        self.can_save_mentor = viewer.is_mentee and public.is_mentor and not self.is_own
        if viewer.is_admin and not self.is_own:
            contact = await call(profiles.contact_details, viewer=viewer, user_id=public.user_id)
            preferred = profiles.CONTACT_METHODS.get(contact.preferred, contact.preferred)
            self.staff_contact = [
                f"Email: {contact.email}",
                f"Phone: {contact.phone or 'not given'}",
                f"Prefers: {preferred}",
            ]
        self.found, self.checked = True, True
        return viewer
