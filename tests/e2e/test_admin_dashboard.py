"""The admin area in a real browser: the dashboard's Plotly chart shows the seeded monthly visits,
members are deactivated and reactivated from their page, the vocabulary is edited, reports are
resolved; a mentee sees none of it, by URL or by forged events."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import MatchingField, MatchingOption, Report, User
from mentoring_app.services.accounts import auth
from mentoring_app.services.conversations import reports
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.services.staff import visits
from mentoring_app.state.admin_dashboard import AdminDashboardState
from mentoring_app.state.admin_members import AdminMemberState
from mentoring_app.state.admin_reports import AdminReportsState
from mentoring_app.state.admin_vocabulary import AdminVocabularyState
from tests.harness import RunningApp, log_in
from tests.security.test_websocket import FORGE_SCRIPT, forge, handler, recording_page

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")
# Visits seeded per month, far in the past so no other test's browsing is counted with them.
SEEDED = {
    "2021-01": (2, 1),
    "2021-02": (0, 4),
    "2021-03": (3, 0),
    "2021-04": (1, 2),
}  # (logged in, anonymous)


def _admin(app: RunningApp, address: str, name: str) -> User:
    with Session(app.engine, expire_on_commit=False) as db:
        return admin_service.create_admin(db, email=address, password=PASSWORD, name=name)[0]


def _member(app: RunningApp, address: str, name: str, role: str = "mentee") -> User:
    with Session(app.engine, expire_on_commit=False) as db:
        return auth.register(db, name=name, email=address, password=PASSWORD, role=role)


def _seed_visits(app: RunningApp, user_id: int) -> None:
    with Session(app.engine) as db:
        for month, (known, anonymous) in SEEDED.items():
            year, number = int(month[:4]), int(month[5:])
            for i in range(known + anonymous):
                visits.record_page_view(
                    db,
                    browser_id=f"seed-{uuid.uuid4()}",
                    user_id=user_id if i < known else None,
                    path="/home",
                    now=datetime(year, number, 3 + i, 10, tzinfo=UTC),
                )


def _plotted(page: Page, chart_id: str, months: int) -> dict[str, list[int]]:
    """Each trace of a Plotly chart on the page, by name, as Plotly itself holds it (once it
    shows ``months`` months)."""
    selector = f"#{chart_id} .js-plotly-plot"
    page.wait_for_function(f"document.querySelector('{selector}')?.data?.[0]?.x?.length === {months}")
    return page.evaluate(
        f"Object.fromEntries(document.querySelector('{selector}').data.map(t => [t.name, Array.from(t.y)]))"
    )


def test_admin_sees_the_seeded_visits_in_the_plotly_chart(page: Page, app: RunningApp, unique_email) -> None:
    address = unique_email("dash")
    boss = _admin(app, address, "Dana Dashboard")
    _seed_visits(app, boss.id)
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Visits per month")).to_be_visible()

    # Choose the months through the form: the range goes into the URL.
    page.get_by_label("From", exact=True).fill("2021-01")
    page.get_by_label("To", exact=True).fill("2021-04")
    page.get_by_role("button", name="Show these months").click()
    expect(page).to_have_url(re.compile(r".*/admin/?\?from=2021-01&to=2021-04$"))

    traces = _plotted(page, "chart-visits-per-month", len(SEEDED))
    assert traces == {
        "Logged in": [known for known, _ in SEEDED.values()],
        "Anonymous": [anonymous for _, anonymous in SEEDED.values()],
    }
    # The same figures as a table, for people who do not read charts.
    visits_section = page.get_by_role("region", name="Visits per month")
    visits_section.get_by_text("Show the figures").click()
    table = visits_section.get_by_role("table")
    for month, label in (("2021-01", "Jan 2021"), ("2021-02", "Feb 2021"), ("2021-04", "Apr 2021")):
        known, anonymous = SEEDED[month]
        row = table.get_by_role("row", name=re.compile(rf"^{label}\b"))
        expect(row.get_by_role("cell")).to_have_text([str(known + anonymous), str(known), str(anonymous)])
    expect(table.get_by_role("row", name=re.compile(r"^Total\b")).get_by_role("cell")).to_have_text(
        ["13", "6", "7"]
    )
    for title in (
        "Registrations per month",
        "Requests per month",
        "Active relationships",
        "Goals set and achieved",
        "Mentoring funnel",
    ):
        expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()
    funnel = page.get_by_role("region", name="Mentoring funnel")
    funnel.get_by_text("Show the figures").click()
    expect(funnel.get_by_role("row", name=re.compile(r"^Registered\b"))).to_be_visible()
    page.wait_for_function(
        "document.querySelector('#chart-mentoring-funnel .js-plotly-plot')?.data?.[0]?.type"
    )
    assert page.evaluate(
        "document.querySelector('#chart-mentoring-funnel .js-plotly-plot').data[0].type"
    ) == ("funnel")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    page.screenshot(path=str(app.log_path.parent / "admin-dashboard.png"), full_page=True)


def test_mentee_gets_no_dashboard_by_url_or_forged_events(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    boss = _admin(app, unique_email("boss"), "Bruno Boss")
    target = _member(app, unique_email("target"), "Tess Target")
    with Session(app.engine) as db:
        option = db.exec(
            select(MatchingOption)
            .join(MatchingField, MatchingField.id == MatchingOption.field_id)
            .where(MatchingField.key == "region")
        ).first()
        field_id, option_id, option_label = option.field_id, option.id, option.label
    mentee_email = unique_email("mentee")
    mentee = _member(app, mentee_email, "Mira Mentee")
    with Session(app.engine, expire_on_commit=False) as db:
        report = reports.report(db, actor=mentee, subject_user_id=target.id, reason="Rude profile text")

    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, frames = recording_page(context)
    log_in(page, app, email_address=mentee_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)

    page.goto(app.url("/admin?from=2021-01&to=2021-04"))
    expect(page).to_have_url(HOME)
    expect(page.get_by_text("That page is for admins only.")).to_be_visible()
    expect(page.get_by_role("heading", name="Visits per month")).to_have_count(0)

    forge(page, handler(AdminDashboardState, "load"), {})
    forge(page, handler(AdminMemberState, "set_active"), {"user_id": target.id, "active": False})
    forge(page, handler(AdminMemberState, "set_admin"), {"user_id": mentee.id, "is_admin": True})
    forge(
        page, handler(AdminVocabularyState, "set_option_retired"), {"option_id": option_id, "retired": True}
    )
    forge(
        page,
        handler(AdminVocabularyState, "rename_field"),
        {"form": {"field_id": str(field_id), "label": "X"}},
    )
    forge(page, handler(AdminReportsState, "resolve"), {"report_id": report.id, "form": {"note": "forged"}})
    forge(page, handler(AdminReportsState, "review"), {"report_id": report.id})

    with Session(app.engine) as db:
        assert db.get(User, target.id).is_active is True
        assert db.get(User, mentee.id).is_admin is False
        assert db.get(MatchingOption, option_id).active is True
        assert db.get(MatchingField, field_id).label != "X"
        assert db.get(Report, report.id).resolved_at is None
    received = "\n".join(frames)
    for secret in ("Logged in", "Anonymous", "Rude profile text", boss.name, option_label, "Tess Target"):
        assert secret not in received, secret
    context.close()


def test_admin_manages_members_vocabulary_and_reports(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    admin_email = unique_email("office")
    _admin(app, admin_email, "Odile Office")
    member_email = unique_email("member")
    member = _member(app, member_email, "Max Member")
    reporter = _member(app, unique_email("reporter"), "Rita Reporter")
    with Session(app.engine, expire_on_commit=False) as db:
        report = reports.report(db, actor=reporter, subject_user_id=member.id, reason="Spam in the headline")

    member_page = browser.new_context().new_page()
    log_in(member_page, app, email_address=member_email, password=PASSWORD)
    expect(member_page).to_have_url(HOME)

    page = browser.new_context().new_page()
    log_in(page, app, email_address=admin_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.goto(app.url("/admin"))
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Find members").fill("Max Member")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("row").filter(has_text=member_email).get_by_role("link", name="Max Member").click()
    expect(page.get_by_role("heading", name="Max Member", level=1)).to_be_visible()
    expect(page.get_by_text("1 open report(s) about this member.")).to_be_visible()

    # Deactivate, after confirming: the member's session ends at once.
    page.get_by_role("button", name="Deactivate", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("logged out everywhere")
    dialog.get_by_role("button", name="Deactivate Max Member").click()
    expect(page.get_by_text("Max Member is deactivated and logged out everywhere.")).to_be_visible()
    expect(page.get_by_text("Deactivated", exact=True)).to_be_visible()
    member_page.goto(app.url("/home"))
    expect(member_page).to_have_url(re.compile(r".*/login/?\?next="))

    page.get_by_role("button", name="Reactivate", exact=True).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Reactivate Max Member").click()
    expect(page.get_by_text("Max Member can log in again.")).to_be_visible()
    log_in(member_page, app, email_address=member_email, password=PASSWORD)
    expect(member_page).to_have_url(HOME)
    page.screenshot(path=str(app.log_path.parent / "admin-member.png"), full_page=True)

    # A new option appears at once in its field (then is retired again, leaving the vocabulary as it was).
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Matching fields").click()
    expect(page.get_by_role("heading", name="Membership grade", level=2)).to_be_visible()
    label = f"Honorary fellow {uuid.uuid4().hex[:6]}"
    page.get_by_label("New option for Membership grade").fill(label)
    page.get_by_role("form", name="Add an option to Membership grade").get_by_role(
        "button", name="Add option"
    ).click()
    expect(page.get_by_text(f"Added the option {label}.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=label)
    expect(row).to_be_visible()
    page.get_by_label("New option for Membership grade").fill(label.upper())
    page.get_by_role("form", name="Add an option to Membership grade").get_by_role(
        "button", name="Add option"
    ).click()
    expect(page.get_by_text("has an option called")).to_be_visible()  # the error is next to the input
    expect(page.get_by_label("New option for Membership grade")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=str(app.log_path.parent / "admin-vocabulary.png"), full_page=True)
    row.get_by_role("button", name=f"Retire {label}").click()
    expect(row.get_by_text("Retired")).to_be_visible()
    with Session(app.engine) as db:
        added = db.exec(select(MatchingOption).where(MatchingOption.label == label)).one()
        assert added.active is False

    # Resolve the report with a note.
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    page.get_by_role("row").filter(has_text="Spam in the headline").get_by_role(
        "button", name=re.compile("^Review")
    ).click()
    expect(page.get_by_text("Rita Reporter reported the profile of Max Member", exact=False)).to_be_visible()
    page.get_by_label("What was done (the resolution note)").fill("Asked Max to change the headline")
    page.get_by_role("button", name="Resolve report").click()
    expect(page.get_by_text("The report is resolved.")).to_be_visible()
    expect(page.get_by_text("Asked Max to change the headline")).to_be_visible()
    with Session(app.engine) as db:
        assert db.get(Report, report.id).resolution_note == "Asked Max to change the headline"

    # Every one of those actions is in the audit log.
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    for action in ("member.deactivate", "member.reactivate", "vocabulary.add_option", "report.resolve"):
        expect(page.get_by_role("cell", name=action, exact=True).first).to_be_visible()
    page.screenshot(path=str(app.log_path.parent / "admin-audit.png"), full_page=True)


def test_admin_uploads_a_video_that_members_watch_in_the_library(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """A file that is not a video is refused next to the upload; an MP4 is stored under a new name,
    published with its entry, and played with its transcript on the members' library page."""
    boss_email, member_email = unique_email("lib-admin"), unique_email("lib-member")
    _admin(app, boss_email, "Lee Librarian")
    _member(app, member_email, "Mo Member")
    boss = browser.new_context().new_page()
    log_in(boss, app, email_address=boss_email, password=PASSWORD)
    expect(boss).to_have_url(re.compile(r".*/home/?$"))
    boss.goto(app.url("/admin/library"))
    boss.get_by_role("button", name="Add a video").click()
    form = boss.get_by_role("form", name="Video")
    form.get_by_label("Title").fill("Listening for what is not said")
    form.get_by_label("Stage").select_option(label="Progressing")
    form.get_by_label("Video file").set_input_files(
        files=[{"name": "talk.mp4", "mimeType": "video/mp4", "buffer": b"<script>alert(1)</script>" * 4}]
    )
    expect(form.get_by_text("That file is not an MP4 or WebM video.")).to_be_visible()
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(256)
    form.get_by_label("Video file").set_input_files(
        files=[{"name": "talk.mp4", "mimeType": "video/mp4", "buffer": mp4}]
    )
    expect(form.get_by_text(re.compile(r"Uploaded: video-.*\.mp4"))).to_be_visible()
    form.get_by_label("Transcript").fill("Today we talk about silence in interpreting.")
    form.get_by_role("button", name="Save video").click()
    expect(boss.get_by_role("region", name="Videos")).to_contain_text("Listening for what is not said")

    member = browser.new_context().new_page()
    log_in(member, app, email_address=member_email, password=PASSWORD)
    expect(member).to_have_url(re.compile(r".*/home/?$"))
    member.goto(app.url("/guides"))
    videos = member.get_by_role("list", name="Videos: Progressing")
    expect(videos).to_contain_text("Listening for what is not said")
    src = videos.locator("video").first.get_attribute("src") or ""
    assert re.search(r"/_upload/video-[\w-]{24}\.mp4$", src), src
    assert member.request.get(src).body() == mp4
    videos.get_by_text("Transcript").click()
    expect(videos.get_by_text("Today we talk about silence in interpreting.")).to_be_visible()


def test_admin_imports_members_from_csv_and_exports_them(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """The CLI's CSV format, uploaded: good rows are imported (with invitations), a bad row is
    reported by its line; the members export then holds the new member."""
    boss_email, newcomer = unique_email("csv-admin"), unique_email("csv-new")
    _admin(app, boss_email, "Cy Csv")
    page = browser.new_context().new_page()
    log_in(page, app, email_address=boss_email, password=PASSWORD)
    expect(page).to_have_url(re.compile(r".*/home/?$"))
    page.goto(app.url("/admin/members"))
    csv_text = (
        "email,name,role,headline,region,languages\n"
        f"{newcomer},Ines Imported,mentor,Medical interpreter,Scotland,Spanish;French\n"
        "not-an-email,Bad Row,mentor,,,\n"
    )
    page.get_by_label("CSV file of members to import").set_input_files(
        files=[{"name": "members.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    expect(page.get_by_role("status")).to_contain_text("1 created, 0 updated, 1 line(s) refused")
    expect(page.get_by_role("list", name="Refused lines")).to_contain_text("Line 3: email")
    app.mailbox.wait_for(newcomer, "")  # the invitation to choose a password
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download members").click()
    exported = open(download_info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert "Ines Imported" in exported and newcomer in exported
    assert "password" not in exported.lower()
    with Session(app.engine) as db:
        assert db.exec(select(User).where(User.email_key == newcomer.lower())).one().is_mentor
