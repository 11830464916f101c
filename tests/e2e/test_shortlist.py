"""Save mentor and the Shortlist, faces without a photo, and faces as thumbnails, in a real browser."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from mentoring_app import storage
from mentoring_app.models import Profile
from mentoring_app.services.accounts import auth
from tests.e2e.test_find_mentor import PASSWORD, _mentor
from tests.harness import UPLOADS_ENV, RunningApp, log_in, storing_uploads_for


def _search_as_new_mentee(page: Page, app: RunningApp, email: str, name: str, keyword: str) -> Locator:
    """Register a mentee, log in, open Find mentor and search ``keyword``: the result cards."""
    with Session(app.engine) as db:
        auth.register(db, name=name, email=email, password=PASSWORD, role="mentee")
    log_in(page, app, email_address=email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    page.goto(app.url(f"/find-mentor?q={keyword}&page=1"))
    return page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")


def test_a_mentee_saves_a_mentor_sees_the_shortlist_and_removes_them(
    page: Page, app: RunningApp, unique_email
) -> None:
    _mentor(app, unique_email("quill"), "Saoirse Quillfeather", "Wales", ["Welsh"])
    paused = _mentor(app, unique_email("paused"), "Tomos Quillfeather", "Wales", ["Welsh"], available=False)
    results = _search_as_new_mentee(page, app, unique_email("saver"), "Rhian Saver", "quillfeather")
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_have_text("1 mentor found")
    expect(results).to_have_count(1)  # the paused mentor is not offered
    card = results.first
    # No photo: her initials on a colour, named by her name for screen readers (never a "?").
    face = card.get_by_role("img", name="Saoirse Quillfeather")
    expect(face).to_have_text("SQ")
    expect(card.get_by_text("?", exact=True)).to_have_count(0)

    card.get_by_role("button", name="Save mentor: Saoirse Quillfeather").click()
    expect(card.get_by_text("Saved", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name="Remove from shortlist: Saoirse Quillfeather")).to_be_visible()
    saved = page.get_by_role("list", name="Shortlist").get_by_role("listitem")
    expect(saved).to_have_count(1)
    expect(saved.first).to_contain_text("Available for new mentees")

    # Her profile says she is saved; the paused mentor's profile offers Save mentor.
    saved.first.get_by_role("link", name="Saoirse Quillfeather").click()
    expect(page.get_by_role("heading", name="Saoirse Quillfeather", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Saoirse Quillfeather")).to_have_text("SQ")
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    page.goto(app.url(f"/members/{paused}"))
    expect(page.get_by_role("heading", name="Tomos Quillfeather", level=1)).to_be_visible()
    page.get_by_role("button", name="Save mentor").click()
    expect(page.get_by_role("button", name="Remove from shortlist")).to_be_visible()

    # The Shortlist lists both, newest first; the paused mentor says he is not taking mentees.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(saved).to_have_count(2)
    expect(saved.first).to_contain_text("Tomos Quillfeather")
    expect(saved.first).to_contain_text("Not taking new mentees at the moment")

    # Removing from the Shortlist also shows Save mentor again on her profile.
    saved.nth(1).get_by_role("button", name="Remove from shortlist: Saoirse Quillfeather").click()
    expect(saved).to_have_count(1)
    page.goto(app.url(f"/members/{paused}"))
    page.get_by_role("button", name="Remove from shortlist").click()
    expect(page.get_by_role("button", name="Save mentor")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor").click()
    expect(page.get_by_role("heading", name=re.compile(r"mentors? found"))).to_be_visible()
    expect(page.get_by_role("heading", name="Shortlist")).to_have_count(0)


def _give_photo(app: RunningApp, user_id: int, colour: tuple[int, int, int], *, with_thumbnail: bool) -> str:
    """Store a photo for a member in the running app's upload folder, as an upload would."""
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, format="PNG")
    folder = Path(app.env[UPLOADS_ENV])
    with storing_uploads_for(folder.parent):  # the app serves uploads_folder(its tmp) = tmp/uploads
        name = storage.store_photo(buffer.getvalue())
    if not with_thumbnail:  # as stored before thumbnails existed
        (folder / storage.thumb_name(name)).unlink()
    with Session(app.engine) as db:
        profile = db.get(Profile, user_id)
        profile.photo = name
        db.add(profile)
        db.commit()
    return name


def test_result_faces_load_small_thumbnails(page: Page, app: RunningApp, unique_email) -> None:
    """A result's 64-pixel face loads a 160-pixel thumbnail, not the 800-pixel photo; a photo
    stored before thumbnails existed gets its thumbnail on the first request."""
    new = _mentor(app, unique_email("thumbnew"), "Ffion Thumbwright", "Wales", ["Welsh"])
    old = _mentor(app, unique_email("thumbold"), "Gwen Thumbwright", "Wales", ["Welsh"])
    _give_photo(app, new, (200, 80, 60), with_thumbnail=True)
    older = _give_photo(app, old, (60, 80, 200), with_thumbnail=False)
    results = _search_as_new_mentee(page, app, unique_email("thumbseeker"), "Rhys Thumbseeker", "thumbwright")
    expect(results).to_have_count(2)
    for name in ("Ffion Thumbwright", "Gwen Thumbwright"):
        face = results.get_by_role("img", name=f"Photo of {name}")
        expect(face).to_be_visible()
        assert re.search(r"/_upload/photo-[\w-]+\.thumb\.jpg$", face.get_attribute("src") or "")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=face.element_handle())
        assert face.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [160, 120]
    assert (Path(app.env[UPLOADS_ENV]) / storage.thumb_name(older)).exists()
