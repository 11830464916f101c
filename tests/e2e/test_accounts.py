"""Accounts in a real browser: register each role (confirmed through the emailed link), log out
and in, bad passwords, forgot password, protected pages, and admin pages refused to members."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import EmailPreference, LoginSession, User
from mentoring_app.services.staff import admin as admin_service
from tests.harness import RunningApp, confirmation_link, log_in, register, register_and_confirm, text_body

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
PROFILE = re.compile(r".*/profile/?$")  # where registering takes a new member


@pytest.mark.parametrize(
    ("role", "badges", "next_step"),
    [
        ("Mentor", ["Mentor"], "Complete your mentor profile"),
        ("Mentee", ["Mentee"], "Complete your profile"),
        ("Both", ["Mentor", "Mentee"], "Complete your mentor profile"),
    ],
)
def test_register_each_role_lands_on_home(
    page: Page, app: RunningApp, unique_email, role: str, badges: list[str], next_step: str
) -> None:
    address = unique_email(role.lower())
    register(page, app, name=f"Nadia {role}", email_address=address, password=PASSWORD, role=role)
    expect(
        page.get_by_role("status").filter(has_text="Check your email to confirm your address")
    ).to_be_visible()
    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        assert user.email_verified_at is None
    # Not before the address is confirmed; said only to someone who knows the password.
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(
        page.get_by_role("alert").filter(has_text="Please confirm your email address first")
    ).to_be_visible()
    page.goto(confirmation_link(app.mailbox.wait_for(address, "Confirm your email")))
    expect(page).to_have_url(PROFILE)
    expect(page.get_by_text("now complete your profile")).to_be_visible()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name=f"Welcome, Nadia {role}")).to_be_visible()
    for badge in badges:
        expect(page.get_by_text(badge, exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name=next_step, exact=True)).to_be_visible()
    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        assert (user.is_mentor, user.is_mentee) == (role != "Mentee", role != "Mentor")
        assert user.password_hash.startswith("$2b$12$")
        assert user.email_verified_at is not None
    welcome = app.mailbox.wait_for(address, "Welcome")
    assert app.url("/home") in text_body(welcome)


def test_weak_password_shows_reason_and_keeps_typing(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("weak")
    register(page, app, name="Wendy Weak", email_address=address, password="password123", role="Mentee")
    expect(page.get_by_text("This password is too easy to guess.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Wendy Weak")
    expect(page.get_by_label("Email")).to_have_value(address)
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    with Session(app.engine) as db:
        assert db.exec(select(User).where(User.email == address)).first() is None


def test_duplicate_email_any_case_answers_the_same_and_tells_the_owner(
    page: Page, app: RunningApp, unique_email
) -> None:
    address = unique_email("dup")
    register_and_confirm(page, app, name="First", email_address=address, password=PASSWORD, role="Mentee")
    expect(page).to_have_url(PROFILE)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    register(page, app, name="Second", email_address=address.upper(), password=PASSWORD, role="Mentor")
    expect(
        page.get_by_role("status").filter(has_text="Check your email to confirm your address")
    ).to_be_visible()
    expect(page.get_by_text("already exists")).to_have_count(0)
    notice = app.mailbox.wait_for(address, "Someone tried to register")
    assert app.url("/forgot-password") in text_body(notice)
    with Session(app.engine) as db:
        (user,) = db.exec(select(User).where(User.email_key == address.lower())).all()
        assert (user.name, user.is_mentor) == ("First", False)


def test_confirmation_link_works_once(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("once")
    link = register_and_confirm(
        page, app, name="Otto Once", email_address=address, password=PASSWORD, role="Mentee"
    )
    expect(page).to_have_url(PROFILE)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.goto(link)
    expect(
        page.get_by_role("alert").filter(has_text="This confirmation link is not valid any more")
    ).to_be_visible()
    page.get_by_role("link", name="Log in", exact=True).last.click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_log_out_then_wrong_password_then_log_in(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("cycle")
    register_and_confirm(
        page, app, name="Cyril Cycle", email_address=address, password=PASSWORD, role="Mentor"
    )
    expect(page).to_have_url(PROFILE)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    with Session(app.engine) as db:
        user = db.exec(select(User).where(User.email == address)).one()
        assert db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all() == []

    log_in(page, app, email_address=address, password="not-the-password-1")
    expect(page.get_by_role("alert").filter(has_text="do not match an account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(address)
    log_in(page, app, email_address="nobody-" + address, password="not-the-password-1")
    expect(page.get_by_role("alert").filter(has_text="do not match an account")).to_be_visible()

    log_in(page, app, email_address=address.upper(), password=PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", name="Welcome, Cyril Cycle")).to_be_visible()


def test_protected_page_redirects_to_log_in_and_back(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("back")
    with Session(app.engine) as db:
        from mentoring_app.services.accounts import auth

        auth.register(db, name="Bernie Back", email=address, password=PASSWORD, role="mentee")
    page.goto(app.url("/account"))
    expect(page).to_have_url(re.compile(r".*/login/?\?next=%2Faccount"))
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r".*/account/?$"))
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    page.get_by_role("group", name="Email me about").get_by_role("checkbox", name="Messages").uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_text("Saved: your email settings are changed.")).to_be_visible()
    with Session(app.engine) as db:
        member = db.exec(select(User).where(User.email == address)).one()
        assert db.get(EmailPreference, member.id).messages is False  # type: ignore[union-attr]


def test_pages_that_check_access_in_their_own_load_still_send_visitors_to_log_in(
    page: Page, app: RunningApp
) -> None:
    """Home, Find mentor, profiles and dashboards check the session in their own load (one event
    with what they read): a visitor gets Log in, with the way back, and sees nothing of them."""
    for path in ("/home", "/find-mentor", "/members/1", "/relationships/1"):
        page.goto(app.url(path))
        expect(page).to_have_url(re.compile(r".*/login/?\?next=" + re.escape(path.replace("/", "%2F"))))
        expect(page.get_by_role("form", name="Log in")).to_be_visible()


def test_forgot_password_through_emailed_link(browser: Browser, app: RunningApp, unique_email) -> None:
    address = unique_email("forgot")
    other_device = browser.new_context()
    elsewhere = other_device.new_page()
    register_and_confirm(
        elsewhere, app, name="Flora Forgot", email_address=address, password=PASSWORD, role="Both"
    )
    expect(elsewhere).to_have_url(PROFILE)

    context = browser.new_context()
    page = context.new_page()
    page.goto(app.url("/login"))
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot password")).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("we have emailed it a link")).to_be_visible()

    message = app.mailbox.wait_for(address, "Reset your")
    link = re.search(r"(http://\S+/reset-password\?key=\S+)", text_body(message))
    assert link, text_body(message)
    page.goto(link.group(1))
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat new password").fill("short")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()
    new_password = "copper-willow-estuary-77"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat new password").fill(new_password)
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", name="Welcome, Flora Forgot")).to_be_visible()

    # The other device was logged out: its next page load goes to Log in.
    elsewhere.goto(app.url("/home"))
    expect(elsewhere).to_have_url(re.compile(r".*/login/?\?next="))
    # The link works once only.
    page.goto(link.group(1))
    expect(page.get_by_text("This reset link is not valid any more")).to_be_visible()
    # Old password refused, new one accepted.
    log_in(elsewhere, app, email_address=address, password=PASSWORD)
    expect(elsewhere.get_by_role("alert").filter(has_text="do not match")).to_be_visible()
    log_in(elsewhere, app, email_address=address, password=new_password)
    expect(elsewhere).to_have_url(HOME)
    context.close()
    other_device.close()


def test_admin_page_refused_to_members_and_open_to_admins(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    admin_email, member_email = unique_email("boss"), unique_email("member")
    with Session(app.engine) as db:
        admin_service.create_admin(db, email=admin_email, password=PASSWORD, name="Olga Office")
    member_page = browser.new_context().new_page()
    register_and_confirm(
        member_page, app, name="Mo Member", email_address=member_email, password=PASSWORD, role="Mentee"
    )
    expect(member_page).to_have_url(PROFILE)
    expect(member_page.get_by_role("link", name="Admin")).to_have_count(0)
    member_page.goto(app.url("/admin/members"))
    expect(member_page).to_have_url(HOME)
    expect(member_page.get_by_text("That page is for admins only.")).to_be_visible()
    expect(member_page.get_by_text(admin_email)).to_have_count(0)

    admin_page = browser.new_context().new_page()
    log_in(admin_page, app, email_address=admin_email, password=PASSWORD)
    admin_page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    admin_page.get_by_role("navigation", name="Admin").get_by_role("link", name="Members").click()
    expect(admin_page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    admin_page.get_by_role("textbox", name="Find members").fill("Mo Member")
    admin_page.get_by_role("button", name="Search").click()
    row = admin_page.get_by_role("row").filter(has_text=member_email)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Deactivate Mo Member").click()
    expect(admin_page.get_by_text("Mo Member is deactivated and logged out everywhere.")).to_be_visible()
    expect(row.get_by_text("Deactivated")).to_be_visible()

    # The member's session ended at once: their next page load asks them to log in.
    member_page.goto(app.url("/home"))
    expect(member_page).to_have_url(re.compile(r".*/login/?\?next="))
    log_in(member_page, app, email_address=member_email, password=PASSWORD)
    expect(member_page.get_by_role("alert").filter(has_text="deactivated")).to_be_visible()


def test_download_my_data_then_delete_my_account(page: Page, app: RunningApp, unique_email) -> None:
    import json

    address = unique_email("leaver")
    register_and_confirm(
        page, app, name="Lena Leaving", email_address=address, password=PASSWORD, role="mentee"
    )
    expect(page).to_have_url(re.compile(r".*/(home|profile)/?$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert data["account"]["email"] == address and data["account"]["name"] == "Lena Leaving"

    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_label("Your password, to confirm").fill("not-the-password-123")
    dialog.get_by_role("button", name="Delete my account").click()
    expect(dialog.get_by_text("That is not your password.")).to_be_visible()
    with Session(app.engine) as db:
        assert db.exec(select(User).where(User.email_key == address.lower())).one().is_active
    dialog.get_by_label("Your password, to confirm").fill(PASSWORD)
    dialog.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    expect(page).to_have_url(re.compile(r".*/$"))
    with Session(app.engine) as db:
        assert db.exec(select(User).where(User.email_key == address.lower())).first() is None
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page.get_by_text(re.compile("do not match"))).to_be_visible()
