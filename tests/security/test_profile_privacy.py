"""Contact details never reach another member's browser; profile handlers refuse other members."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlmodel import Session

from mentoring_app.models import ContactDetails, Profile, User
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import profiles
from mentoring_app.state.profile import ProfileState
from tests.harness import RunningApp, log_in
from tests.security.test_websocket import FORGE_SCRIPT, forge, handler, recording_page

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
PRIVATE_EMAIL = "maria.private.contact@example.net"
PRIVATE_PHONE = "+44 7700 900123"


def _mentor_with_contact_details(app: RunningApp, email: str) -> User:
    with Session(app.engine, expire_on_commit=False) as db:
        mentor = auth.register(db, name="Maria Private", email=email, password=PASSWORD, role="mentor")
        profiles.update_profile(
            db,
            actor=mentor,
            user_id=mentor.id,
            changes=profiles.ProfileChanges(
                name="Maria Private",
                headline="Court interpreter, Romanian and English",
                contact_email=PRIVATE_EMAIL,
                phone=PRIVATE_PHONE,
                preferred="phone",
            ),
        )
        return mentor


def test_viewing_a_profile_never_delivers_contact_details(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor = _mentor_with_contact_details(app, unique_email("private"))
    viewer_email = unique_email("viewer")
    with Session(app.engine) as db:
        auth.register(db, name="Vera Viewer", email=viewer_email, password=PASSWORD, role="mentee")
    context = browser.new_context()
    page, frames = recording_page(context)
    log_in(page, app, email_address=viewer_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url(f"/members/{mentor.id}"))
    expect(page.get_by_role("heading", name="Maria Private")).to_be_visible()
    expect(page.get_by_text("Court interpreter, Romanian and English")).to_be_visible()
    content = page.content()
    received = "\n".join(frames)
    for secret in (PRIVATE_EMAIL, PRIVATE_PHONE, "900123", mentor.email):
        assert secret not in content
        assert secret not in received
    context.close()


def test_forged_profile_save_cannot_touch_another_member(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    victim = _mentor_with_contact_details(app, unique_email("victim"))
    attacker_email = unique_email("attacker")
    with Session(app.engine) as db:
        auth.register(db, name="Ari Attacker", email=attacker_email, password=PASSWORD, role="mentor")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, frames = recording_page(context)
    log_in(page, app, email_address=attacker_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    # The save handler takes only form data and always edits the sender's own profile.
    forge(
        page,
        handler(ProfileState, "save"),
        {
            "form": {
                "name": "Hacked",
                "headline": "Hacked",
                "contact_email": "evil@example.org",
                "preferred": "email",
                "user_id": str(victim.id),
            }
        },
    )
    forge(page, handler(ProfileState, "pick"), {"input_name": "mentor__languages", "text": "French"})
    with Session(app.engine) as db:
        assert db.get(User, victim.id).name == "Maria Private"
        assert db.get(Profile, victim.id).headline == "Court interpreter, Romanian and English"
        assert db.get(ContactDetails, victim.id).email == PRIVATE_EMAIL
    assert PRIVATE_EMAIL not in "\n".join(frames)
    context.close()


def test_admins_see_contact_details_on_a_profile(browser: Browser, app: RunningApp, unique_email) -> None:
    from mentoring_app.services.staff import admin

    mentor = _mentor_with_contact_details(app, unique_email("seen"))
    boss_email = unique_email("boss")
    with Session(app.engine) as db:
        admin.create_admin(db, email=boss_email, password=PASSWORD, name="Bea Boss")
    page = browser.new_context().new_page()
    log_in(page, app, email_address=boss_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Maria Private").first.click()
    expect(page.get_by_text(PRIVATE_PHONE)).to_be_visible()  # the admin's member page
    page.get_by_role("link", name="View their public profile").click()
    expect(page.get_by_role("heading", name="Contact details (visible to admins)")).to_be_visible()
    expect(page.get_by_text(f"Email: {PRIVATE_EMAIL}")).to_be_visible()
    expect(page.get_by_text(f"Phone: {PRIVATE_PHONE}")).to_be_visible()
    assert mentor.id
