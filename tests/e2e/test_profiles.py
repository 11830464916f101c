"""Profiles in a real browser: a new mentor completes their profile; bad input is explained and
kept; photos are checked; an imported member joins through the invitation email."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import ContactDetails, Profile, User
from tests.harness import RunningApp, log_in, register_and_confirm, text_body

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
PROFILE = re.compile(r".*/profile/?$")


def _open_my_profile(page: Page) -> None:
    """Go to My profile (registering lands there already; a second load would re-mount the form)."""
    if not PROFILE.match(page.url):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="Profile completeness")).to_be_visible()


def test_new_mentor_completes_profile_and_is_marked_complete(
    page: Page, app: RunningApp, unique_email
) -> None:
    address = unique_email("newmentor")
    register_and_confirm(
        page, app, name="Nora Newmentor", email_address=address, password=PASSWORD, role="Mentor"
    )
    expect(page).to_have_url(PROFILE)
    _open_my_profile(page)
    expect(page.get_by_text("Not yet shown to mentees")).to_be_visible()
    expect(page.get_by_text("Add your region")).to_be_visible()
    expect(page.get_by_label("Contact email")).to_have_value(address)

    page.get_by_label("Headline").fill("Medical translator, Polish into English")
    page.get_by_label("Region").select_option(label="North West")
    languages = page.get_by_role("combobox", name="Languages")
    languages.fill("Polish")
    expect(page.get_by_role("button", name="Remove Polish")).to_be_visible()
    languages.fill("british sign language")
    expect(page.get_by_role("button", name="Remove British Sign Language")).to_be_visible()
    page.get_by_role("checkbox", name="Medical translation").check()
    page.get_by_label("Phone number").fill("+44 161 496 0000")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.get_by_text("Complete enough to match")).to_be_visible()

    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        assert db.get(Profile, user.id).mentor_matchable
        assert db.get(ContactDetails, user.id).phone == "+44 161 496 0000"
    page.reload()
    expect(page.get_by_label("Headline")).to_have_value("Medical translator, Polish into English")
    expect(page.get_by_role("button", name="Remove Polish")).to_be_visible()
    expect(page.get_by_label("Region")).to_have_value(re.compile(r"\d+"))


def test_bad_input_is_explained_next_to_the_field_and_kept(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("badinput")
    register_and_confirm(page, app, name="Bo Badinput", email_address=address, password=PASSWORD, role="Both")
    expect(page).to_have_url(PROFILE)
    _open_my_profile(page)
    long_headline = "Conference interpreter " * 6
    page.get_by_label("Headline").fill(long_headline)
    page.get_by_label("Capacity (mentees at once)").fill("12")
    page.get_by_label("Phone number").fill("call me")
    page.get_by_label("What you want help with").fill("Building a client base in Scotland.")
    page.get_by_role("button", name="Save profile").click()
    form = page.get_by_role("form", name="My profile")  # each message beside its field
    expect(form.get_by_text("Use at most 120 characters")).to_be_visible()
    expect(form.get_by_text("Enter a whole number from 0 to 10.")).to_be_visible()
    expect(form.get_by_text("Enter a phone number of 7 to 15 digits")).to_be_visible()
    expect(page.get_by_label("Headline")).to_have_value(long_headline)
    expect(page.get_by_label("What you want help with")).to_have_value("Building a client base in Scotland.")
    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        assert db.get(Profile, user.id).help_wanted == ""


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_is_checked_and_shown(page: Page, app: RunningApp, unique_email, tmp_path: Path) -> None:
    address = unique_email("photo")
    register_and_confirm(page, app, name="Pia Photo", email_address=address, password=PASSWORD, role="Mentee")
    expect(page).to_have_url(PROFILE)
    _open_my_profile(page)
    fake = tmp_path / "not-really.png"
    fake.write_text("<script>alert(1)</script>")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose a photo").click()
    chooser.value.set_files(str(fake))
    expect(page.get_by_text("That file is not a JPEG, PNG or WebP picture we can read.")).to_be_visible()

    real = tmp_path / "me.png"
    real.write_bytes(_png_bytes())
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose a photo").click()
    chooser.value.set_files(str(real))
    expect(page.get_by_text("Your photo has been updated.")).to_be_visible()
    photo = page.get_by_role("img", name=re.compile(r"^Photo of "))  # the member face, now a photo
    expect(photo).to_be_visible()
    source = photo.get_attribute("src") or ""
    assert re.search(r"/_upload/photo-[\w-]+\.jpg$", source), source
    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        stored = db.get(Profile, user.id).photo
    assert stored and stored.endswith(".jpg") and "me.png" not in stored
    response = page.request.get(source)
    assert response.ok and response.body()[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG


def test_imported_member_joins_through_invitation(
    browser: Browser, app: RunningApp, unique_email, tmp_path: Path
) -> None:
    address = unique_email("imported")
    csv_text = (
        "email,name,role,headline,region,languages,specialisms\n"
        f"{address},Ingrid Imported,mentor,Literary translator,Scotland,"
        "Norwegian;English,Literary translation\n"
    )
    members_file = tmp_path / "members.csv"
    members_file.write_text(csv_text, encoding="utf-8")
    result = app.cli("import-members", str(members_file))
    assert result.returncode == 0, result.stderr
    assert "1 created, 0 updated, 0 rejected" in result.stdout
    message = app.mailbox.wait_for(address, "You are invited")
    link = re.search(r"(http://\S+/reset-password\?key=\S+)", text_body(message))
    assert link
    page = browser.new_context().new_page()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Welcome! Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("northern-lights-quay-61")
    page.get_by_label("Repeat new password").fill("northern-lights-quay-61")
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", name="Welcome, Ingrid Imported")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    # Log-out ends with a page load (the backend clears the cookie): let it finish, as a person would.
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    log_in(page, app, email_address=address, password="northern-lights-quay-61")
    expect(page).to_have_url(HOME)
    _open_my_profile(page)
    expect(page.get_by_label("Headline")).to_have_value("Literary translator")
    expect(page.get_by_role("button", name="Remove Norwegian")).to_be_visible()
