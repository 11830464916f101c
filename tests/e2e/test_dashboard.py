"""The relationship dashboard in two real browsers: agreement, SMART goal (an invalid one first),
milestones seen live by the other member, a meeting logged and the next one scheduled with its
calendar invite (in the mentee's own time zone), a new journey with the old goals on record, and
the CPD record."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import Goal, Journey, Meeting, Milestone
from mentoring_app.services.accounts import auth
from tests.harness import RunningApp, log_in, seed_accepted_pair, text_body

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")


def _pair(app: RunningApp, mentor_email: str, mentee_email: str) -> int:
    """A mentor and a mentee whose request has been accepted; returns the relationship id."""
    return seed_accepted_pair(app, mentor_email, mentee_email)[0]


def _open(page: Page, app: RunningApp, rid: int, section: str) -> None:
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()
    page.get_by_role("tab", name=section).click()


def test_agreement_goals_milestones_meetings_and_a_new_journey(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email = unique_email("odile"), unique_email("paco")
    rid = _pair(app, mentor_email, mentee_email)
    mentee = browser.new_context(timezone_id="Europe/Paris").new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    expect(mentee.get_by_role("list", name="Your mentoring relationships")).to_contain_text("Odile Oversight")
    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)

    # Tools: the mentee writes the agreement; both confirm, each seeing the other's confirmation.
    _open(mentee, app, rid, "Tools")
    agreement = mentee.get_by_role("form", name="Mentoring agreement")
    agreement.get_by_label(re.compile("^Ground rules")).fill("We come prepared and give notice.")
    agreement.get_by_label(re.compile("^Confidentiality")).fill("What we say stays between us.")
    agreement.get_by_label(re.compile("^How often and how we meet")).fill("Online, one hour every 3 weeks.")
    agreement.get_by_label(re.compile("^How we give each other feedback")).fill("Honestly, at every meeting.")
    agreement.get_by_role("button", name="Save the agreement").click()
    expect(mentee.get_by_text("Agreement saved.")).to_be_visible()
    mentee.get_by_role("button", name="Confirm the agreement").click()
    expect(mentee.get_by_text(re.compile("You confirmed it on"))).to_be_visible()
    _open(mentor, app, rid, "Tools")
    expect(mentor.get_by_text(re.compile("Paco Progress confirmed it on"))).to_be_visible()
    mentor.get_by_role("button", name="Confirm the agreement").click()
    expect(mentee.get_by_text(re.compile("Odile Oversight confirmed it on"))).to_be_visible()  # live

    # Goals: an invalid goal first, with the messages beside the fields; nothing is lost.
    mentor.get_by_role("tab", name="Goals").click()
    mentee.get_by_role("button", name="Open the SMART goal tool").click()
    mentee.get_by_role("button", name="Propose a SMART goal").click()
    form = mentee.get_by_role("form", name="Propose a SMART goal")
    form.get_by_label(re.compile("^Specific")).fill("Win two direct financial clients.")
    form.get_by_label(re.compile("^Measurable")).fill("Feel more confident")
    form.get_by_label(re.compile("^Achievable")).fill("I already work for two agencies on annual reports.")
    form.get_by_label(re.compile("^Relevant")).fill("Direct clients let me specialise in finance.")
    form.get_by_label(re.compile("^Time-bound")).fill("2020-01-31")
    form.get_by_role("button", name="Propose goal").click()
    expect(form.get_by_text("Choose a target date in the future.")).to_be_visible()
    expect(form.get_by_text(re.compile("^Add a number or a date to show success"))).to_be_visible()
    expect(form.get_by_label(re.compile("^Specific"))).to_have_value("Win two direct financial clients.")
    form.get_by_label(re.compile("^Measurable")).fill("Two signed contracts by the target date.")
    target = date.today() + timedelta(days=120)
    form.get_by_label(re.compile("^Time-bound")).fill(target.isoformat())
    form.get_by_role("button", name="Propose goal").click()
    expect(mentee.get_by_text("Goal proposed.")).to_be_visible()
    goals_on_mentor_side = mentor.get_by_role("list", name="Goals")
    expect(goals_on_mentor_side).to_contain_text("Win two direct financial clients.")  # live, no reload
    goals_on_mentor_side.get_by_role("button", name="Agree to this goal").click()
    expect(mentee.get_by_role("list", name="Goals")).to_contain_text("Agreed")

    # Milestones: added by the mentee; one done; the mentor's progress bar follows live.
    goal = mentee.get_by_role("list", name="Goals").get_by_role("listitem").first
    for title in ("Update my CV for banks", "Write to five banks"):
        goal.get_by_role("button", name="Add a milestone").click()
        milestone_form = mentee.get_by_role("form", name="Add a milestone")
        milestone_form.get_by_label("Milestone").fill(title)
        milestone_form.get_by_role("button", name="Add milestone").click()
        expect(goal).to_contain_text(title)
    done_box = goal.get_by_role("checkbox", name="Done: Update my CV for banks")
    done_box.click()  # the server records it, then the box shows it
    expect(done_box).to_be_checked()
    expect(goal).to_contain_text("50% · 1 of 2 milestones done")
    expect(mentor.get_by_role("list", name="Goals")).to_contain_text("1 of 2 milestones done")
    expect(mentor.get_by_role("region", name="Progress at a glance")).to_contain_text("1 of 2")

    # Meetings: log one held today; schedule the next at 18:30 Paris time and download the invite.
    mentee.get_by_role("tab", name="Meetings").click()
    log_form = mentee.get_by_role("form", name="Log a meeting")
    log_form.get_by_label("Date held").fill(date.today().isoformat())
    log_form.get_by_label("Length (minutes)").fill("90")
    log_form.get_by_label("Notes").fill("Went through the CV together.")
    log_form.get_by_role("button", name="Log meeting").click()
    expect(mentee.get_by_role("list", name="Meetings held")).to_contain_text("1 h 30 min")
    next_day = date(2027, 1, 12)  # winter: Paris is UTC+1
    schedule = mentee.get_by_role("form", name="Schedule the next meeting")
    expect(schedule).to_contain_text("Europe/Paris")
    schedule.get_by_label("Date").fill(next_day.isoformat())
    schedule.get_by_label("Time").fill("18:30")
    schedule.get_by_label("Where (a place, a phone number or a video link)").fill(
        "https://meet.example.org/p"
    )
    schedule.get_by_role("button", name="Schedule meeting").click()
    planned = mentee.get_by_role("list", name="Planned meetings")
    expect(planned).to_contain_text("Tuesday 12 Jan 2027, 18:30")
    with mentee.expect_download() as download_info:
        planned.get_by_role("button", name="Download calendar invite").click()
    invite = download_info.value
    assert invite.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(open(invite.path(), "rb").read())  # noqa: SIM115
    event = next(c for c in calendar.walk() if c.name == "VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 1, 12, 17, 30, tzinfo=UTC)
    assert "Paco Progress" in str(event.get("summary")) and "Odile Oversight" in str(event.get("summary"))
    expect(mentor.get_by_role("region", name="Progress at a glance")).to_contain_text(
        "1 h 30 min in meetings"
    )
    # The mentor is emailed the invite (.ics attached); its button opens the dashboard's Meetings.
    invited = app.mailbox.wait_for(mentor_email, "Paco Progress scheduled your next mentoring meeting")
    body = text_body(invited)
    assert "Tuesday 12 Jan 2027, 18:30 (Europe/Paris time; 17:30 UTC)" in body
    [attached] = list(invited.iter_attachments())
    assert attached.get_content_type() == "text/calendar"
    emailed = Calendar.from_ical(attached.get_payload(decode=True))
    emailed_event = next(c for c in emailed.walk() if c.name == "VEVENT")
    assert emailed_event.decoded("dtstart") == datetime(2027, 1, 12, 17, 30, tzinfo=UTC)
    meetings_link = re.search(r"See your meetings: (\S+)", body)
    assert meetings_link and meetings_link.group(1).endswith(f"/relationships/{rid}?section=meetings")
    mentor.goto(meetings_link.group(1))
    expect(mentor.get_by_role("tab", name="Meetings")).to_have_attribute("aria-selected", "true")
    expect(mentor.get_by_role("list", name="Planned meetings")).to_contain_text("12 Jan 2027")

    # Ending: a new journey; the old goal stays on record, read-only.
    mentee.get_by_role("tab", name="Ending").click()
    mentee.get_by_role("button", name="Set new goals and start a new journey").click()
    confirm = mentee.get_by_role("alertdialog", name="Start a new journey?")
    expect(confirm).to_contain_text("goals are locked")
    confirm.get_by_role("button", name="Start a new journey").click()
    expect(mentee.get_by_text("A new journey has started.")).to_be_visible()
    goals_list = mentee.get_by_role("list", name="Goals")
    expect(goals_list).to_contain_text("Journey 1 (on record)")
    expect(goals_list).to_contain_text("Win two direct financial clients.")
    expect(goals_list.get_by_role("button", name="Mark as achieved")).to_have_count(0)
    with Session(app.engine) as db:
        journeys = db.exec(
            select(Journey).where(Journey.relationship_id == rid).order_by(Journey.number)
        ).all()
        assert [(j.number, j.closed_at is not None) for j in journeys] == [(1, True), (2, False)]
        goal_row = db.exec(select(Goal).where(Goal.journey_id == journeys[0].id)).one()
        assert goal_row.status == "in_progress"  # ticking its first milestone started it
        assert len(db.exec(select(Milestone).where(Milestone.goal_id == goal_row.id)).all()) == 2
        held = db.exec(select(Meeting).where(Meeting.relationship_id == rid, Meeting.status == "held")).one()
        assert held.duration_minutes == 90

    # CPD record: the meeting and its hours, downloadable as CSV.
    mentee.goto(app.url("/cpd-record"))
    expect(mentee.get_by_role("table", name="Mentoring relationships")).to_contain_text("Odile Oversight")
    expect(mentee.get_by_text("1 h 30 min", exact=True)).to_have_count(2)  # the total and the row
    with mentee.expect_download() as csv_info:
        mentee.get_by_role("button", name="Download CSV").click()
    text = open(csv_info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert "Meeting" in text and "Odile Oversight" in text and ",90," in text


def test_strangers_and_guessed_ids_see_no_dashboard(browser: Browser, app: RunningApp, unique_email) -> None:
    rid = _pair(app, unique_email("m"), unique_email("e"))
    stranger_email = unique_email("nosy")
    with Session(app.engine) as db:
        auth.register(db, name="Nosy Parker", email=stranger_email, password=PASSWORD, role="mentee")
    page = browser.new_context().new_page()
    log_in(page, app, email_address=stranger_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    for guess in (rid, rid + 1000):
        page.goto(app.url(f"/relationships/{guess}"))
        expect(page.get_by_role("heading", name="Relationship not found")).to_be_visible()
        expect(page.get_by_text("+44 161 496 0000")).to_have_count(0)
