"""What a browser can do and see over the websocket.

Forged events are real events on the real socket: an init script rewrites the next outgoing event
(through the hook Reflex's client calls just before sending) into the one an attacker would send.
Leak scans read every frame the server sent to a browser.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from mentoring_app.models import User
from mentoring_app.services.accounts import auth
from mentoring_app.services.staff import admin as admin_service
from mentoring_app.state.account_forms import ChangePasswordState
from mentoring_app.state.admin_members import AdminMembersState
from tests.harness import RunningApp, log_in

PASSWORD = "violet-harbour-lantern-42"
HOME = re.compile(r".*/home/?$")

FORGE_SCRIPT = """
window.__forgeQueue = [];
window.__reflex_otel = {
  onEventSend(event) {
    // Only the trigger click's event is replaced; others (storage syncs, on_load) pass untouched.
    if (!event.name.endsWith(window.__forgeTrigger || ".log_out")) return;
    const forged = window.__forgeQueue.shift();
    if (forged) { event.name = forged.name; event.payload = forged.payload; }
  },
};
"""


def handler(state: type, name: str) -> str:
    return f"{state.get_full_name()}.{name}"


def recording_page(context: BrowserContext) -> tuple[Page, list[str]]:
    """A page whose received websocket frames are all kept, as text."""
    frames: list[str] = []
    page = context.new_page()
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            ),
        ),
    )
    return page, frames


def seed_member(app: RunningApp, email: str, name: str, role: str = "mentee") -> User:
    with Session(app.engine, expire_on_commit=False) as db:
        return auth.register(db, name=name, email=email, password=PASSWORD, role=role)


def forge(page: Page, name: str, payload: dict) -> None:
    """Send one forged event: the next event the page sends is replaced by it."""
    page.evaluate("([name, payload]) => window.__forgeQueue.push({name, payload})", [name, payload])
    page.get_by_role("button", name="Log out").click()  # this click's event becomes the forged one
    page.wait_for_function("window.__forgeQueue.length === 0")
    # Events from one browser are handled in order: once later ones are answered, the forged one was too.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    nav.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()


def test_member_forging_admin_events_changes_and_sees_nothing(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    target = seed_member(app, unique_email("target"), "Tara Target")
    attacker_email = unique_email("attacker")
    attacker = seed_member(app, attacker_email, "Ari Attacker")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, frames = recording_page(context)
    log_in(page, app, email_address=attacker_email, password=PASSWORD)
    expect(page).to_have_url(HOME)

    forge(page, handler(AdminMembersState, "set_active"), {"user_id": target.id, "active": False})
    forge(page, handler(AdminMembersState, "set_admin"), {"user_id": attacker.id, "is_admin": True})
    forge(page, handler(AdminMembersState, "search"), {"form": {"query": "Tara"}})
    forge(page, handler(AdminMembersState, "load"), {})

    with Session(app.engine) as db:
        assert db.get(User, target.id).is_active is True
        assert db.get(User, attacker.id).is_admin is False
    received = "\n".join(frames)
    assert "Tara Target" not in received
    assert target.email not in received
    expect(page.get_by_text("Only admins can do that.")).to_have_count(0)  # no data, not even an echo
    context.close()


def test_forged_event_with_a_bad_payload_changes_nothing(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    boss_email = unique_email("boss")
    with Session(app.engine, expire_on_commit=False) as db:
        boss = admin_service.create_admin(db, email=boss_email, password=PASSWORD, name="Bea Boss")[0]
    target = seed_member(app, unique_email("target"), "Theo Target")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, _ = recording_page(context)
    log_in(page, app, email_address=boss_email, password=PASSWORD)
    expect(page).to_have_url(HOME)
    # An admin cannot remove their own role or deactivate themselves, whatever the client sends.
    forge(page, handler(AdminMembersState, "set_admin"), {"user_id": boss.id, "is_admin": False})
    forge(page, handler(AdminMembersState, "set_active"), {"user_id": boss.id, "active": False})
    forge(page, handler(AdminMembersState, "set_active"), {"user_id": "1 OR 1=1", "active": False})
    with Session(app.engine) as db:
        me = db.get(User, boss.id)
        assert (me.is_admin, me.is_active) == (True, True)
        assert db.get(User, target.id).is_active is True
    context.close()


def test_anonymous_forged_password_change_is_refused(browser: Browser, app: RunningApp, unique_email) -> None:
    victim = seed_member(app, unique_email("victim"), "Vic Victim")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page = context.new_page()
    page.goto(app.url("/login"))
    page.evaluate(
        "([name, payload]) => {"
        " window.__forgeTrigger = '.submit'; window.__forgeQueue.push({name, payload}); }",
        [
            handler(ChangePasswordState, "submit"),
            {
                "form": {
                    "current_password": PASSWORD,
                    "new_password": "attacker-chosen-pass-99",
                    "confirm_password": "attacker-chosen-pass-99",
                }
            },
        ],
    )
    page.get_by_label("Email").fill(victim.email)
    page.get_by_label("Password").fill("anything-at-all")
    page.get_by_role("form", name="Log in").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r".*/login/?\?next="))
    with Session(app.engine) as db:
        assert db.get(User, victim.id).password_hash == victim.password_hash
    context.close()


def test_browser_never_receives_hashes_or_other_sessions(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    mine, theirs = unique_email("mine"), unique_email("theirs")
    seed_member(app, mine, "Mina Mine")
    seed_member(app, theirs, "Theo Theirs", role="mentor")
    their_context = browser.new_context()
    their_page = their_context.new_page()
    log_in(their_page, app, email_address=theirs, password=PASSWORD)
    expect(their_page).to_have_url(HOME)
    their_key = next(c["value"] for c in their_context.cookies() if c["name"] == "mentoring_session")

    context = browser.new_context()
    page, frames = recording_page(context)
    log_in(page, app, email_address=mine, password=PASSWORD)
    expect(page).to_have_url(HOME)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome, Mina Mine")).to_be_visible()
    my_key = next(c["value"] for c in context.cookies() if c["name"] == "mentoring_session")

    received = "\n".join(frames)
    assert frames, "no websocket frames were recorded"
    assert "$2b$" not in received and "password_hash" not in received
    assert their_key not in received
    assert theirs not in received and "Theo Theirs" not in received
    assert PASSWORD not in received
    assert my_key not in received  # the session key lives in an HttpOnly cookie, never in a frame
    with Session(app.engine) as db:
        digests = [u.password_hash for u in db.exec(select(User)).all()]
    assert not any(d in received for d in digests)
    their_context.close()
    context.close()


def test_stored_script_in_a_name_is_shown_as_text(page: Page, app: RunningApp, unique_email) -> None:
    name = '<img src=x onerror="window.__xss=1">Eve'
    address = unique_email("xss")
    seed_member(app, address, name)
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src=x]").count() == 0


def test_forged_var_updates_do_not_make_an_admin(browser: Browser, app: RunningApp, unique_email) -> None:
    from mentoring_app.state.session import SessionState

    address = unique_email("sneaky")
    other = seed_member(app, unique_email("other"), "Otto Other")
    seed_member(app, address, "Sid Sneaky")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, frames = recording_page(context)
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    update_vars = "reflex___state____state.reflex___state____update_vars_internal_state.update_vars_internal"
    session_state = SessionState.get_full_name()
    forge(
        page,
        update_vars,
        {"vars": {f"{session_state}.is_admin": True, f"{session_state}.member_name": "Admin"}},
    )
    page.goto(app.url("/admin/members"))
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Members")).to_have_count(0)
    assert other.email not in "\n".join(frames)
    context.close()


def test_stranger_forging_dashboard_events_changes_and_sees_nothing(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """Even with the relationship id forced into its state, a stranger's browser can neither read
    nor change another pair's dashboard: every handler goes through the services' pair check."""
    from datetime import date, timedelta

    from mentoring_app.models import Goal, Meeting, Milestone, Relationship
    from mentoring_app.services.discovery import profiles
    from mentoring_app.services.discovery.vocabulary import load_fields
    from mentoring_app.services.mentoring import availability, booking, goals, meetings, relationships
    from mentoring_app.state.dashboard import DashboardState

    mentor = seed_member(app, unique_email("vm"), "Vera Victim", role="mentor")
    mentee = seed_member(app, unique_email("ve"), "Victor Victim")
    with Session(app.engine, expire_on_commit=False) as db:
        fields = {f.key: f for f in load_fields(db)}
        profiles.update_profile(
            db,
            actor=mentor,
            user_id=mentor.id,
            changes=profiles.ProfileChanges(
                name=mentor.name,
                headline="Patent translator",
                contact_email=mentor.email,
                phone="+44 113 496 0999",
                mentor_criteria={
                    "region": [fields["region"].find("Wales").id],
                    "languages": [fields["languages"].find("Welsh").id],
                    "specialisms": [fields["specialisms"].find("Legal translation").id],
                },
            ),
        )
        rel = relationships.send_request(
            db, actor=mentee, mentor_id=mentor.id, text="Please mentor me in patents."
        )
        relationships.accept_request(db, actor=mentor, request_id=rel.id)
        goal = goals.propose_goal(
            db,
            actor=mentee,
            relationship_id=rel.id,
            specific="A private goal about patent work.",
            measurable="Three patent jobs by the target date.",
            achievable="I already proofread patents for an agency.",
            relevant="Patents are where I want to specialise.",
            target_date=date.today() + timedelta(days=90),
        )
        view = goals.add_milestone(
            db, actor=mentee, relationship_id=rel.id, goal_id=goal.id, title="Secret step"
        )
        meeting = meetings.schedule_meeting(
            db,
            actor=mentor,
            relationship_id=rel.id,
            starts_at=__import__("mentoring_app.models.types", fromlist=["utcnow"]).utcnow()
            + timedelta(days=3),
            place="Secret place",
        )
        availability.save_availability(
            db,
            actor=mentor,
            time_zone="Europe/London",
            days=["00:00-24:00"] * 7,
            meeting_minutes="60",
            video_link="https://secret-room.example.org/vera",
            away="",
        )
        free_time = booking.picker(db, actor=mentee, relationship_id=rel.id).slots[0].starts_at.isoformat()
        milestone_id, revision = view.milestones[0].id, db.get(Relationship, rel.id).revision

    address = unique_email("stranger")
    seed_member(app, address, "Stan Stranger")
    context = browser.new_context()
    context.add_init_script(FORGE_SCRIPT)
    page, frames = recording_page(context)
    log_in(page, app, email_address=address, password=PASSWORD)
    expect(page).to_have_url(HOME)
    # Opening the pair's dashboard puts its id in this browser's state (and shows "not found")...
    page.goto(app.url(f"/relationships/{rel.id}"))
    expect(page.get_by_role("heading", name="Relationship not found")).to_be_visible()
    page.goto(app.url("/home"))
    # ...and a forged update puts the partner there too.
    update_vars = "reflex___state____state.reflex___state____update_vars_internal_state.update_vars_internal"
    state = DashboardState.get_full_name()
    forge(page, update_vars, {"vars": {f"{state}.partner_id": mentor.id}})
    forge(page, handler(DashboardState, "mark_milestone"), {"milestone_id": milestone_id, "done_flag": True})
    forge(page, handler(DashboardState, "move_goal"), {"goal_id": goal.id, "status": "dropped"})
    forge(page, handler(DashboardState, "cancel_meeting"), {"meeting_id": meeting.id})
    forge(page, handler(DashboardState, "download_invite"), {"meeting_id": meeting.id})
    forge(page, handler(DashboardState, "open_booking"), {})
    forge(page, handler(DashboardState, "open_move"), {"meeting_id": meeting.id})
    forge(page, handler(DashboardState, "book_first_meeting"), {})
    forge(page, handler(DashboardState, "book_slot"), {"value": free_time})
    forge(page, handler(DashboardState, "continue_informally"), {})
    forge(page, handler(DashboardState, "withdraw"), {"form": {"reason": "forged"}})
    forge(page, handler(DashboardState, "open_section"), {"section": "goals"})

    with Session(app.engine) as db:
        assert db.get(Relationship, rel.id).status == "accepted"
        assert db.get(Relationship, rel.id).revision == revision
        assert db.get(Relationship, rel.id).informal_since is None
        assert db.get(Goal, goal.id).status == "proposed"
        assert db.get(Milestone, milestone_id).done_at is None
        assert db.get(Meeting, meeting.id).status == "planned"
        assert db.get(Meeting, meeting.id).sequence == 0
        assert len(db.exec(select(Meeting).where(Meeting.relationship_id == rel.id)).all()) == 1
    received = "\n".join(frames)
    for secret in ("A private goal", "Secret step", "Secret place", "+44 113 496 0999", "BEGIN:VCALENDAR",
                   "secret-room", free_time[:16]):  # fmt: skip
        assert secret not in received, secret
    context.close()


def test_forged_alert_events_cannot_stop_or_create_for_others(
    browser: Browser, app: RunningApp, unique_email
) -> None:
    """Stop this alert with another mentee's alert id, or Notify me from a mentor-only account,
    changes nothing: the alert service checks the member and the alert's owner."""
    from mentoring_app.models import MentorAlert
    from mentoring_app.services.discovery import matching, mentor_alerts
    from mentoring_app.services.discovery.vocabulary import load_fields
    from mentoring_app.state.find_mentor import FindMentorState

    victim = seed_member(app, unique_email("alertee"), "Alma Alertee")
    with Session(app.engine, expire_on_commit=False) as db:
        wales = next(f for f in load_fields(db) if f.key == "region").find("Wales").id
        search = matching.Search(selected={"region": (wales,)}, exact=frozenset({"region"}))
        alert = mentor_alerts.create_alert(db, actor=victim, search=search)

    for role, name in (("mentee", "Sid Stranger"), ("mentor", "Mo Mentor")):
        address = unique_email(role)
        member = seed_member(app, address, name, role=role)
        context = browser.new_context()
        context.add_init_script(FORGE_SCRIPT)
        page, _ = recording_page(context)
        log_in(page, app, email_address=address, password=PASSWORD)
        expect(page).to_have_url(HOME)
        forge(page, handler(FindMentorState, "stop_alert"), {"alert_id": alert.id})
        forge(page, handler(FindMentorState, "stop_alert"), {"alert_id": "1 OR 1=1"})
        forge(page, handler(FindMentorState, "notify_me"), {})
        with Session(app.engine) as db:
            assert db.get(MentorAlert, alert.id) is not None
            assert db.exec(select(MentorAlert).where(MentorAlert.mentee_id == member.id)).all() == []
        context.close()
