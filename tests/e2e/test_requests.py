"""From request to relationship in two real browsers, with the real SMTP server: send (the template
needs confirming), one request despite fast clicks, the mentor's alert email, accept, contact
details on both sides, withdraw and the other side told; decline with a reason, then the suggested
mentor accepts and the mentee withdraws from the dashboard's Details."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import Relationship, User
from mentoring_app.services.accounts import auth
from mentoring_app.services.discovery import profiles
from mentoring_app.services.discovery.vocabulary import load_fields
from mentoring_app.services.mentoring import relationships
from tests.harness import RunningApp, log_in, text_body

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")


def _mentor(app: RunningApp, email: str, name: str, phone: str) -> int:
    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        user = auth.register(db, name=name, email=email, password=PASSWORD, role="mentor")
        profiles.update_profile(
            db,
            actor=user,
            user_id=user.id,
            changes=profiles.ProfileChanges(
                name=name,
                headline="Conference interpreter",
                contact_email=email,
                phone=phone,
                preferred="phone",
                mentor_criteria={
                    "region": [fields["region"].find("Scotland").id],
                    "languages": [fields["languages"].find("German").id],
                    "specialisms": [fields["specialisms"].find("Conference interpreting").id],
                },
            ),
        )
        return user.id


def _mentee(app: RunningApp, email: str, name: str) -> None:
    with Session(app.engine) as db:
        auth.register(db, name=name, email=email, password=PASSWORD, role="mentee")


def _send_request(page: Page, app: RunningApp, mentor_id: int, text: str | None) -> None:
    page.goto(app.url(f"/members/{mentor_id}"))
    page.get_by_role("button", name="Send mentoring request").click()
    form = page.get_by_role("form", name="Send mentoring request")
    if text is not None:
        form.get_by_label("Your request").fill(text)
    form.get_by_role("button", name="Send mentoring request").click()


def test_request_accept_contact_details_and_withdraw(browser: Browser, app: RunningApp, unique_email) -> None:
    mentor_email, mentee_email = unique_email("mentor"), unique_email("mentee")
    mentor_id = _mentor(app, mentor_email, "Greta Gastgeber", "+44 131 496 0000")
    _mentee(app, mentee_email, "Hamish Hopeful")

    mentee = browser.new_context().new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    _send_request(mentee, app, mentor_id, None)  # the template, unchanged
    expect(mentee.get_by_text("Your request is still the template.")).to_be_visible()
    form = mentee.get_by_role("form", name="Send mentoring request")
    form.get_by_label("Your request").fill(
        "I interpret German at conferences and want help becoming chartered."
    )
    send = form.get_by_role("button", name="Send it as it is")
    send.click(click_count=5, delay=0)  # a fast quintuple click creates one request
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))
    expect(mentee.get_by_text("Waiting for an answer")).to_be_visible()
    with Session(app.engine) as db:
        rows = db.exec(select(Relationship).where(Relationship.mentor_id == mentor_id)).all()
    assert len(rows) == 1 and rows[0].request_text.startswith("I interpret German")

    alert = app.mailbox.wait_for(mentor_email, "New mentoring request from Hamish Hopeful")
    assert "becoming chartered" in text_body(alert)
    link = re.search(r"(http://\S+/requests)", text_body(alert))
    assert link
    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)
    nav = mentor.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Requests, 1 waiting")).to_be_visible()
    nav.get_by_role("link", name="Notifications, 1 unread").click()
    # Opening the request it is about (the notification's link) reads the notification.
    mentor.get_by_role("link", name="New mentoring request from Hamish Hopeful").click()
    expect(mentor).to_have_url(re.compile(r".*/requests/?$"))
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # now read
    mentor.goto(link.group(1))
    incoming = mentor.get_by_role("list", name="Requests to you").get_by_role("listitem").first
    expect(incoming).to_contain_text("Hamish Hopeful")
    incoming.get_by_role("button", name="Accept").click()
    expect(mentor.get_by_text("Accepted. Your new mentee has been told")).to_be_visible()
    expect(incoming).to_contain_text(f"Email: {mentee_email}")

    app.mailbox.wait_for(mentee_email, "Greta Gastgeber accepted your mentoring request")
    mentee.goto(app.url(f"/members/{mentor_id}"))  # responsiveness, on the mentor's profile
    expect(mentee.get_by_text("Usually answers requests within a few hours (last 1 request)")).to_be_visible()
    expect(mentee.get_by_text(re.compile("Last active today"))).to_be_visible()
    mentee.goto(app.url("/requests"))
    mine = mentee.get_by_role("list", name="Your requests").get_by_role("listitem").first
    expect(mine).to_contain_text("Active")
    expect(mine).to_contain_text("Phone: +44 131 496 0000")
    expect(mine.get_by_text("Contact your mentor to arrange your first conversation.")).to_be_visible()

    mine.get_by_role("button", name="Withdraw").click()
    dialog = mentee.get_by_role("alertdialog")
    dialog.get_by_label("Reason (optional)").fill("My exam moved to next year.")
    dialog.get_by_role("button", name="Withdraw").click()
    expect(mentee.get_by_text("You have withdrawn from the relationship.")).to_be_visible()
    told = app.mailbox.wait_for(mentor_email, "Hamish Hopeful withdrew from your mentoring relationship")
    assert "My exam moved to next year." in text_body(told)
    mentor.reload()
    expect(incoming).to_contain_text("Withdrawn")
    expect(incoming).not_to_contain_text(mentee_email)


def test_decline_then_another_mentor_accepts_and_one_withdraws_from_details(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("busy"), unique_email("seeker")
    mentor_id = _mentor(app, mentor_email, "Ivo Busy", "+44 20 7946 0000")
    pia_email = unique_email("alt")
    pia_id = _mentor(app, pia_email, "Pia Alternative", "+44 20 7946 0001")
    _mentee(app, mentee_email, "Jude Seeker")
    mentee = browser.new_context().new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    _send_request(mentee, app, mentor_id, "Could you help me prepare for the DipTrans exam?")
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))

    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD, path="/login?next=%2Frequests")
    expect(mentor).to_have_url(re.compile(r".*/requests/?$"))
    card = mentor.get_by_role("list", name="Requests to you").get_by_role("listitem").first
    card.get_by_role("button", name="Decline").click()
    decline = mentor.get_by_role("form", name="Decline Jude Seeker")
    decline.get_by_role("radio", name="Not enough time at the moment").check()
    decline.get_by_label("A note for the mentee (optional)").fill("Full until the summer, sorry!")
    # Pia's choice reads "Pia Alternative (matches ...)" when she ranks among the best fits.
    decline.get_by_label("Suggest another mentor (optional)").select_option(value=str(pia_id))
    decline.get_by_role("button", name="Decline request").click()
    expect(mentor.get_by_text("Declined. The mentee has been told")).to_be_visible()

    app.mailbox.wait_for(mentee_email, "Ivo Busy declined your mentoring request")
    mentee.reload()
    mine = mentee.get_by_role("list", name="Your requests").get_by_role("listitem").first
    expect(mine).to_contain_text("Reason: Not enough time at the moment")
    expect(mine).to_contain_text("Full until the summer, sorry!")
    expect(mine.get_by_role("link", name="Find mentor")).to_be_visible()

    # The suggested mentor accepts; both see each other's contact details on the dashboard.
    mine.get_by_role("link", name="Pia Alternative").click()
    expect(mentee.get_by_role("heading", name="Pia Alternative")).to_be_visible()
    form_page = mentee.url
    _send_request(mentee, app, int(form_page.rstrip("/").rsplit("/", 1)[-1]), "Ivo suggested you: DipTrans?")
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))
    pia = browser.new_context().new_page()
    log_in(pia, app, email_address=pia_email, password=PASSWORD, path="/login?next=%2Frequests")
    expect(pia).to_have_url(re.compile(r".*/requests/?$"))
    pia_card = pia.get_by_role("list", name="Requests to you").get_by_role("listitem").first
    expect(pia_card).to_contain_text("Ivo suggested you")
    pia_card.get_by_role("button", name="Accept").click()
    expect(pia.get_by_text("Accepted. Your new mentee has been told")).to_be_visible()
    app.mailbox.wait_for(mentee_email, "Pia Alternative accepted your mentoring request")

    mentee.reload()
    accepted = (
        mentee.get_by_role("list", name="Your requests")
        .get_by_role("listitem")
        .filter(has_text="Pia Alternative")
    )
    accepted.get_by_role("link", name="Open the relationship dashboard").click()
    expect(mentee.get_by_role("heading", name="Mentoring with Pia Alternative")).to_be_visible()
    expect(mentee.get_by_text("+44 20 7946 0001")).to_be_visible()
    expect(mentee.get_by_text("Contact your mentor to arrange your first conversation.")).to_be_visible()
    pia.get_by_role("link", name="Open the relationship dashboard").click()
    expect(pia.get_by_role("link", name=mentee_email)).to_be_visible()
    expect(pia.get_by_text("Accepted", exact=True)).to_be_visible()

    # Withdraw from Details, with a reason: Pia is told and the contact details go.
    mentee.get_by_role("button", name="Withdraw").click()
    dialog = mentee.get_by_role("alertdialog")
    dialog.get_by_label("Reason (optional)").fill("My exam is postponed.")
    dialog.get_by_role("button", name="Withdraw").click()
    expect(mentee.get_by_text("You have withdrawn from the relationship.")).to_be_visible()
    expect(mentee.get_by_text("This relationship has ended, so its dashboard is read-only.")).to_be_visible()
    told = app.mailbox.wait_for(pia_email, "Jude Seeker withdrew from your mentoring relationship")
    assert "My exam is postponed." in text_body(told)
    expect(pia.get_by_text("Withdrawn", exact=True).first).to_be_visible()  # live, without a reload
    expect(pia.get_by_role("link", name=mentee_email)).to_have_count(0)


def test_question_and_answer_appear_live(browser: Browser, app: RunningApp, unique_email) -> None:
    mentor_email, mentee_email = unique_email("answer"), unique_email("asker")
    mentor_id = _mentor(app, mentor_email, "Kofi Answerer", "+44 161 496 0001")
    _mentee(app, mentee_email, "Lina Asker")
    mentee = browser.new_context().new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    mentee.goto(app.url(f"/members/{mentor_id}"))
    mentee.get_by_role("link", name="Ask a question").click()
    expect(mentee.get_by_role("heading", name="Messages with Kofi Answerer")).to_be_visible()
    mentee.get_by_label("Your message").fill("Do you take mentees preparing for <b>DPSI</b>?")
    mentee.get_by_role("button", name="Send message").click()
    thread = mentee.get_by_role("list", name="Messages, oldest first")
    expect(thread).to_contain_text("Do you take mentees preparing for <b>DPSI</b>?")  # shown as text
    expect(mentee.get_by_label("Your message")).to_have_value("")

    app.mailbox.wait_for(mentor_email, "New message from Lina Asker")
    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)
    mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Messages, 1 unread").click()
    mentor.get_by_role("link", name="Lina Asker").click()
    expect(mentor.get_by_role("list", name="Messages, oldest first")).to_contain_text("DPSI")
    mentor.get_by_label("Your message").fill("Yes: send me a mentoring request.")
    mentor.get_by_role("button", name="Send message").click()
    # The answer appears in the mentee's open page without a reload.
    expect(thread).to_contain_text("Yes: send me a mentoring request.", timeout=10_000)
    # The mentor can report a message sent to them; admins will see it.
    mentor.get_by_role("button", name="Report this message").first.click()
    dialog = mentor.get_by_role("dialog")
    dialog.get_by_label("What is the problem?").fill("Testing the report button.")
    dialog.get_by_role("button", name="Send report").click()
    expect(mentor.get_by_text("Thank you. An admin will look at your report.")).to_be_visible()
    with Session(app.engine) as db:
        from mentoring_app.models import Report

        assert db.exec(select(Report).where(Report.reason == "Testing the report button.")).one().message_id
    mentee.get_by_label("Your message").fill("Thank you, on its way.")
    mentee.get_by_role("button", name="Send message").click()
    expect(mentor.get_by_role("list", name="Messages, oldest first")).to_contain_text(
        "Thank you, on its way.", timeout=10_000
    )


def test_mentor_turning_unavailable_is_asked_about_waiting_requests(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("leaving"), unique_email("waiting")
    mentor_id = _mentor(app, mentor_email, "Mona Leaving", "+44 161 496 0002")
    _mentee(app, mentee_email, "Nils Waiting")
    mentee = browser.new_context().new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    _send_request(mentee, app, mentor_id, "Could you help me with translation technology?")
    expect(mentee).to_have_url(re.compile(r".*/requests/?$"))

    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD, path="/login?next=%2Fprofile")
    expect(mentor.get_by_role("heading", name="Profile completeness")).to_be_visible()
    mentor.get_by_role("checkbox", name="Available for new mentees").uncheck()
    mentor.get_by_role("button", name="Save profile").click()
    expect(mentor.get_by_text("1 request(s) are waiting for your answer")).to_be_visible()
    mentor.get_by_role("button", name="Decline them all").click()
    expect(mentor.get_by_text("Declined 1 waiting request(s)")).to_be_visible()
    app.mailbox.wait_for(mentee_email, "Mona Leaving declined your mentoring request")


def test_decline_suggestions_are_ranked_by_fit_for_this_mentee(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    from tests.e2e.test_home import _mentee_looking_for, _mentor_offering

    mentor_email, mentee_email = unique_email("fitdecline"), unique_email("fitseeker")
    mentor_id = _mentor(app, mentor_email, "Dana Declining", "+44 20 7946 0002")
    wanted = {
        "region": ["East Midlands"],
        "languages": ["Hungarian"],
        "specialisms": ["Audiovisual translation"],
    }
    best_id = _mentor_offering(app, unique_email("fitbest"), "Zelda Bestfit", wanted)
    _mentor_offering(
        app,
        unique_email("fitnext"),
        "Yusuf Nextfit",
        {"region": ["East Midlands"], "languages": ["Hungarian"]},
    )
    _mentor_offering(
        app,
        unique_email("fitnone"),
        "Aaron Alphabetical",
        {"region": ["Outside UK"], "languages": ["Icelandic"]},
    )
    _mentee_looking_for(app, mentee_email, "Hanna Fitseeker", wanted)
    with Session(app.engine) as db:
        mentee = db.exec(select(User).where(User.email == mentee_email)).one()
        relationships.send_request(
            db, actor=mentee, mentor_id=mentor_id, text="Could you help with subtitling rates?"
        )

    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD, path="/login?next=%2Frequests")
    expect(mentor).to_have_url(re.compile(r".*/requests/?$"))
    mentor.get_by_role("list", name="Requests to you").get_by_role("listitem").first.get_by_role(
        "button", name="Decline"
    ).click()
    decline = mentor.get_by_role("form", name="Decline Hanna Fitseeker")
    choices = decline.get_by_label("Suggest another mentor (optional)")
    expect(choices).to_contain_text("Zelda Bestfit")
    # What the list offers, as the member reads it: each choice with the group it is under.
    offered = choices.evaluate("s => [...s.options].map(o => [o.parentElement.label || '', o.text])")
    assert offered[:3] == [
        ["", "No suggestion"],
        ["Best fit for this mentee", "Zelda Bestfit (matches Region, Languages, Specialisms)"],
        ["Best fit for this mentee", "Yusuf Nextfit (matches Region, Languages)"],
    ]
    assert ["Other mentors", "Aaron Alphabetical"] in offered
    others = [text for group, text in offered if group == "Other mentors"]
    assert others == sorted(others, key=str.casefold) or others == sorted(others)
    assert not any("Dana Declining" in text or "Hanna Fitseeker" in text for _, text in offered)

    decline.get_by_role("radio", name="Another mentor would suit better").check()
    choices.select_option(label="Zelda Bestfit (matches Region, Languages, Specialisms)")
    decline.get_by_role("button", name="Decline request").click()
    expect(mentor.get_by_text("Declined. The mentee has been told")).to_be_visible()
    with Session(app.engine) as db:
        request = db.exec(select(Relationship).where(Relationship.mentor_id == mentor_id)).one()
        assert request.status == "declined" and request.suggested_mentor_id == best_id
