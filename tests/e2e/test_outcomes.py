"""Outcomes in real browsers: a mentee ends the relationship and answers the survey (a wrong
submit first: the messages sit next to the fields and nothing typed is lost); the mentor is asked
too, skips, and is offered "Tell us how it went" after, never seeing the mentee's answers; an
admin opens Outcomes for the months in the URL and the Plotly chart and its table show the
answers; reading the written answers writes an audit entry that the audit log shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import AuditEntry, OutcomeSurvey, Relationship
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.state.admin_outcomes import AdminOutcomeAnswersState, AdminOutcomesState
from tests.e2e.test_accessibility import _violations
from tests.harness import RunningApp, log_in, seed_accepted_pair
from tests.security.test_websocket import FORGE_SCRIPT, forge, handler

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
HELPED = "Practice runs for the exam, with detailed notes afterwards."


def _open(page: Page, app: RunningApp, rid: int) -> None:
    page.goto(app.url(f"/relationships/{rid}"))
    expect(page.get_by_role("heading", name=re.compile("Mentoring with"))).to_be_visible()


def _plotted(page: Page, chart_id: str) -> dict[str, list[int]]:
    selector = f"#{chart_id} .js-plotly-plot"
    page.wait_for_function(f"document.querySelector('{selector}')?.data?.length === 3")
    return page.evaluate(
        f"Object.fromEntries(document.querySelector('{selector}').data.map(t => [t.name, Array.from(t.y)]))"
    )


def test_survey_at_the_end_and_the_admin_outcomes_page(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mentor_email, mentee_email, boss_email = unique_email("olga"), unique_email("pim"), unique_email("boss")
    rid, _, mentee_id = seed_accepted_pair(
        app, mentor_email, mentee_email, mentor_name="Olga Outcome", mentee_name="Pim Survey"
    )
    with Session(app.engine, expire_on_commit=False) as db:
        admin_service.create_admin(db, email=boss_email, password=PASSWORD, name="Ola Admin")

    # The mentee ends the relationship; the survey is asked at once.
    mentee = browser.new_context().new_page()
    log_in(mentee, app, email_address=mentee_email, password=PASSWORD)
    expect(mentee).to_have_url(HOME)
    _open(mentee, app, rid)
    mentee.get_by_role("tab", name="Ending").click()
    mentee.get_by_role("button", name="End the relationship").click()
    mentee.get_by_role("alertdialog").get_by_role("button", name="End the relationship").click()
    survey = mentee.get_by_role("region", name="Tell us how it went")
    expect(survey).to_be_visible()
    expect(survey.get_by_text(re.compile("never Olga Outcome"))).to_be_visible()

    # A wrong submit: each message next to its question; the written answer stays.
    survey.get_by_label(re.compile("^What helped most")).fill(HELPED)
    survey.get_by_role("button", name="Send my answers").click()
    goals = survey.get_by_role("group", name="Did you achieve the goals you set?")
    expect(goals.get_by_role("alert")).to_have_text(re.compile("Choose whether you achieved your goals"))
    recommend = survey.get_by_role(
        "group", name="How likely are you to recommend your mentor to a colleague?"
    )
    expect(recommend.get_by_role("alert")).to_have_text("Choose a number from 0 to 10.")
    expect(survey.get_by_label(re.compile("^What helped most"))).to_have_value(HELPED)
    assert _violations(mentee) == []

    goals.get_by_label("Yes, fully").check()
    survey.get_by_role("group", name="How satisfied are you with the mentoring?").get_by_label(
        "5 · Very satisfied"
    ).check()
    recommend.get_by_label("9", exact=True).check()
    survey.get_by_role("button", name="Send my answers").click()
    expect(mentee.get_by_text("Thank you for telling us how it went.")).to_be_visible()
    expect(mentee.get_by_role("region", name="Tell us how it went")).to_have_count(0)
    with Session(app.engine) as db:
        [row] = db.exec(select(OutcomeSurvey).where(OutcomeSurvey.relationship_id == rid)).all()
        assert (row.member_id, row.role, row.goals, row.satisfaction, row.recommend) == (
            mentee_id,
            "mentee",
            "fully",
            5,
            9,
        )
        assert row.helped_most == HELPED

    # The mentor is asked too, skips, and is offered the survey quietly after; never the mentee's answers.
    mentor = browser.new_context().new_page()
    log_in(mentor, app, email_address=mentor_email, password=PASSWORD)
    expect(mentor).to_have_url(HOME)
    _open(mentor, app, rid)
    asked = mentor.get_by_role("region", name="Tell us how it went")
    expect(asked.get_by_role("group", name=re.compile("recommend your mentee"))).to_be_visible()
    asked.get_by_role("button", name="Skip the survey").click()
    expect(asked.get_by_role("button", name="Skip the survey")).to_have_count(0)
    later = mentor.get_by_role("region", name="Tell us how it went")
    expect(later.get_by_text("Tell us how it went")).to_be_visible()
    expect(mentor.get_by_text(HELPED)).to_have_count(0)
    mentor.reload()
    expect(mentor.get_by_role("region", name="Tell us how it went")).to_be_visible()
    expect(mentor.get_by_role("button", name="Skip the survey")).to_have_count(0)  # asked once
    assert HELPED not in mentor.content()

    # Put the ending in a month of its own, so only this pair is counted there.
    with Session(app.engine) as db:
        rel = db.get(Relationship, rid)
        rel.decided_at, rel.ended_at = datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 5, 11, tzinfo=UTC)
        db.add(rel)
        db.commit()

    admin = browser.new_context().new_page()
    log_in(admin, app, email_address=boss_email, password=PASSWORD)
    expect(admin).to_have_url(HOME)
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Outcomes").click()
    expect(admin.get_by_role("heading", name="Outcomes", level=1)).to_be_visible()
    expect(admin.get_by_role("heading", name="Net promoter score", level=2)).to_be_visible()  # loaded
    admin.get_by_label("From", exact=True).fill("2021-05")
    admin.get_by_label("To", exact=True).fill("2021-05")
    admin.get_by_role("button", name="Show these months").click()
    expect(admin).to_have_url(re.compile(r".*/admin/outcomes/?\?from=2021-05&to=2021-05$"))
    expect(admin.get_by_role("group", name="Relationships finished")).to_contain_text("1")
    expect(admin.get_by_role("group", name="Mentors' net promoter score")).to_contain_text("+100")

    assert _plotted(admin, "chart-net-promoter-score") == {
        "Promoters (9-10)": [1, 0],
        "Passives (7-8)": [0, 0],
        "Detractors (0-6)": [0, 0],
    }
    nps = admin.get_by_role("region", name="Net promoter score")
    nps.get_by_text("Show the figures").click()
    expect(nps.get_by_role("row", name=re.compile(r"^About mentors")).get_by_role("cell")).to_have_text(
        ["1", "1", "0", "0", "+100"]
    )
    length = admin.get_by_role("region", name="Relationship length")
    length.get_by_text("Show the figures").click()
    expect(length.get_by_role("row", name=re.compile(r"^Median")).get_by_role("cell")).to_have_text(
        ["71 days"]
    )

    with admin.expect_download() as download:
        admin.get_by_role("button", name="Download outcomes as CSV").click()
    data = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "net promoter score,mentees about their mentors,100.0,1" in data and HELPED not in data

    # Written answers only through the audited view.
    assert HELPED not in admin.content()
    written = admin.get_by_role("region", name="Written answers")
    written.get_by_role("link", name=re.compile("^Read the answers: Pim Survey")).click()
    expect(admin.get_by_role("heading", name="Survey answers", level=1)).to_be_visible()
    expect(admin.get_by_text(HELPED)).to_be_visible()
    expect(admin.get_by_text("Skipped the survey")).to_be_visible()
    assert _violations(admin) == []
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    expect(
        admin.get_by_role("row", name=re.compile(f"Read the outcome survey answers of relationship {rid}$"))
    ).to_contain_text("Ola Admin")


def test_members_forging_outcome_events_get_nothing(browser: Browser, app: RunningApp, unique_email) -> None:
    mentor_email, mentee_email = unique_email("fmentor"), unique_email("fmentee")
    _, _, mentee_id = seed_accepted_pair(app, mentor_email, mentee_email)
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    frames: list[str] = []
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: frames.append(str(p))))
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    forge(page, handler(AdminOutcomesState, "load"), {})
    forge(page, handler(AdminOutcomesState, "download_outcomes"), {})
    forge(page, handler(AdminOutcomeAnswersState, "load"), {})
    with Session(app.engine) as db:
        assert db.exec(select(AuditEntry).where(AuditEntry.actor_id == mentee_id)).all() == []
    received = "\n".join(frames)
    assert "Net promoter" not in received and "Promoters" not in received
    context.close()
