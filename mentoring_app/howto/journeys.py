"""The three how-to videos as journeys: scenes (one member's browser each) of captioned steps.

Each step's caption is shown while its action plays, then held long enough to read; the same
captions make the transcript. Actions find things as a member does, by visible text and
accessible names, and wait for what the app shows back, so a recording fails loudly when a
screen changes instead of filming something else.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

MENTEE = "mentee@example.org"  # Sam Mentee in the demo data
MENTOR = "mentor@example.org"  # Maria Mentor, Sam's mentor in the demo data
REQUESTED_MENTOR = "requested-mentor"  # stands for Cast.request_mentor_email
HIGHLIGHT_SECONDS = 0.7
TYPING_DELAY_MS = 35


@dataclass(frozen=True)
class Cast:
    """Who plays in the recordings, looked up in the demo database before recording."""

    request_mentor_email: str  # an offered mentor Sam has not asked yet
    request_mentor_name: str


@dataclass(frozen=True)
class Step:
    caption: str  # shown as captions while the step plays, and in the transcript
    action: Callable[[Page, Cast], None] | None = None
    note: str = ""  # what the screen shows beyond the caption, for the transcript only


@dataclass(frozen=True)
class Scene:
    member: str  # the email of the member whose browser this is (or REQUESTED_MENTOR)
    start_path: str  # may name {relationship_id}: Sam and Maria's relationship
    ready: Callable[[Page], None]  # waits until the first screen is there and connected
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Journey:
    slug: str
    title: str
    stage: str
    position: int
    intro: str
    scenes: tuple[Scene, ...] = field(default_factory=tuple)


# --- Helpers: what a viewer needs to follow a click --------------------------------------------

_OUTLINE_ON = "el => { el.style.outline = '3px solid #d6409f'; el.style.outlineOffset = '3px'; }"
_OUTLINE_OFF = "el => { el.style.outline = ''; el.style.outlineOffset = ''; }"


def highlight(target: Locator, seconds: float = HIGHLIGHT_SECONDS) -> None:
    """Scroll ``target`` into view and ring it for a moment, so the viewer sees where to look."""
    target.scroll_into_view_if_needed()
    target.evaluate(_OUTLINE_ON)
    time.sleep(seconds)


def unhighlight(target: Locator) -> None:
    try:
        target.evaluate(_OUTLINE_OFF, timeout=1000)
    except Exception:  # the element may have been re-rendered away: nothing to undo
        return


def click(target: Locator) -> None:
    highlight(target)
    target.click()
    unhighlight(target)


def type_into(target: Locator, text: str) -> None:
    highlight(target, 0.4)
    target.click()
    target.press_sequentially(text, delay=TYPING_DELAY_MS)
    unhighlight(target)


def point_at(target: Locator, seconds: float = 1.2) -> None:
    highlight(target, seconds)
    unhighlight(target)


def _expect(target: Locator) -> None:
    from playwright.sync_api import expect

    expect(target).to_be_visible(timeout=20_000)


# --- 1. Finding a mentor with Exact match ------------------------------------------------------


def _logged_in(page: Page) -> None:
    """The member's navigation is drawn from their session, which arrives once the page is connected."""
    _expect(page.get_by_role("button", name="Log out"))


def _home_ready(page: Page) -> None:
    """Home has the member's own content, which comes over the websocket once connected."""
    _logged_in(page)
    _expect(page.get_by_role("heading", name=re.compile("^(What to do next|What needs you now)$")).first)


def _open_find_mentor(page: Page, _: Cast) -> None:
    click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor"))
    _expect(page.get_by_role("heading", name=re.compile(r"mentors? found")))


def _search_form(page: Page) -> Locator:
    return page.get_by_role("form", name="Find mentor")


def _results(page: Page) -> Locator:
    return page.get_by_role("list", name="Mentors, best matches first").get_by_role("listitem")


def _search(page: Page) -> None:
    """Run the search (the Search button while Find mentor has one) and wait for the answer."""
    button = _search_form(page).get_by_role("button", name="Search")
    if button.count():
        click(button)
    _expect(page.get_by_role("heading", name=re.compile(r"mentors? found")))


def _show_criteria(page: Page, _: Cast) -> None:
    point_at(_search_form(page).get_by_role("heading", name="What you are looking for"), 1.0)
    point_at(_search_form(page).get_by_role("combobox", name="Languages"), 1.4)


def _choose_region(page: Page, _: Cast) -> None:
    click(_search_form(page).get_by_role("checkbox", name="North West"))


def _exact_region(page: Page, _: Cast) -> None:
    click(_search_form(page).get_by_role("checkbox", name="Exact match: Region"))
    _search(page)
    _expect(page.get_by_text("Region: North West leaves", exact=False).first)


def _show_cost(page: Page, _: Cast) -> None:
    point_at(page.get_by_text("Region: North West leaves", exact=False).first, 2.0)


def _show_first_result(page: Page, _: Cast) -> None:
    first = _results(page).first
    _expect(first)
    point_at(first.get_by_text(re.compile(r"Matches \d+ of \d+ criteria")).first, 2.0)


def _save_criteria(page: Page, _: Cast) -> None:
    click(page.get_by_role("button", name="Save these criteria"))
    _expect(page.get_by_text(re.compile("Saved .* to your profile")).first)


def _open_first_profile(page: Page, _: Cast) -> None:
    first = _results(page).first
    name = first.get_by_role("link").first
    click(name)
    _expect(page.get_by_role("heading", level=1))
    _expect(page.get_by_role("button", name="Send mentoring request"))


FIND_A_MENTOR = Journey(
    slug="finding-a-mentor-with-exact-match",
    title="Finding a mentor with Exact match",
    stage="preparing",
    position=1,
    intro=(
        "Sam, a mentee, looks for a mentor in the North West. "
        "The video has no sound; the captions say what happens on screen."
    ),
    scenes=(
        Scene(
            member=MENTEE,
            start_path="/home",
            ready=_home_ready,
            steps=(
                Step("Sam, a mentee, opens Find mentor from the menu.", _open_find_mentor),
                Step(
                    "The search starts from the criteria on Sam's profile, such as the languages.",
                    _show_criteria,
                ),
                Step("Sam wants a mentor nearby, so chooses the region North West.", _choose_region),
                Step(
                    "Tick Exact match: Region and search: now only North West mentors are listed.",
                    _exact_region,
                ),
                Step(
                    "Each exact filter says what it costs: how many mentors it leaves, and how many "
                    "without it.",
                    _show_cost,
                ),
                Step(
                    "Mentors who match most of the other criteria come first; each says which match.",
                    _show_first_result,
                ),
                Step(
                    "Save these criteria, and Find mentor starts from them next time.",
                    _save_criteria,
                    note="A message confirms the criteria were saved to Sam's profile.",
                ),
                Step(
                    "Open a mentor's profile to ask a question or send a mentoring request.",
                    _open_first_profile,
                ),
            ),
        ),
    ),
)


# --- 2. Sending and answering a request ---------------------------------------------------------

REQUEST_TEXT = (
    "I am moving from agency work to direct clients. "
    "Could you help me set my rates and find my first clients?"
)


def _find_by_name(page: Page, cast: Cast) -> None:
    click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Find mentor"))
    _expect(page.get_by_role("heading", name=re.compile(r"mentors? found")))
    type_into(_search_form(page).get_by_label("Keyword"), cast.request_mentor_name)
    _search(page)
    click(_results(page).get_by_role("link", name=cast.request_mentor_name).first)
    _expect(page.get_by_role("heading", name=cast.request_mentor_name, level=1))


def _open_request_form(page: Page, _: Cast) -> None:
    click(page.get_by_role("button", name="Send mentoring request"))
    _expect(page.get_by_role("form", name="Send mentoring request"))


def _write_request(page: Page, _: Cast) -> None:
    box = page.get_by_role("form", name="Send mentoring request").get_by_label("Your request")
    point_at(box, 1.5)  # the template, as it comes
    box.fill("")
    type_into(box, REQUEST_TEXT)


def _send_request(page: Page, _: Cast) -> None:
    click(
        page.get_by_role("form", name="Send mentoring request").get_by_role(
            "button", name="Send mentoring request"
        )
    )
    _expect(page.get_by_text("Waiting for an answer").first)


def _show_pending(page: Page, _: Cast) -> None:
    mine = page.get_by_role("list", name="Your requests").get_by_role("listitem").first
    point_at(mine.get_by_role("button", name="Edit"), 1.2)
    point_at(mine.get_by_role("button", name="Cancel"), 1.2)


def _mentor_sees_request(page: Page, _: Cast) -> None:
    link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Requests, \d+ waiting")
    )
    click(link)
    _expect(page.get_by_role("list", name="Requests to you"))


def _incoming(page: Page) -> Locator:
    return (
        page.get_by_role("list", name="Requests to you")
        .get_by_role("listitem")
        .filter(has_text="Sam Mentee")
        .first
    )


def _read_request(page: Page, _: Cast) -> None:
    item = _incoming(page)
    point_at(item.get_by_text("Could you help me set my rates", exact=False), 1.5)
    point_at(item.get_by_role("link", name="Message"), 1.0)


def _accept(page: Page, _: Cast) -> None:
    click(_incoming(page).get_by_role("button", name="Accept"))
    _expect(page.get_by_text("Accepted.", exact=False).first)


def _show_contact(page: Page, _: Cast) -> None:
    point_at(_incoming(page).get_by_text(re.compile("^Email: ")).first, 2.0)


def _requests_ready(page: Page) -> None:
    _logged_in(page)
    _expect(page.get_by_role("list", name="Your requests"))


def _mentee_sees_answer(page: Page, cast: Cast) -> None:
    mine = (
        page.get_by_role("list", name="Your requests")
        .get_by_role("listitem")
        .filter(has_text=cast.request_mentor_name)
    )
    _expect(mine.first.get_by_text("Active", exact=True))
    point_at(mine.first.get_by_text("Active", exact=True), 1.0)
    point_at(mine.first.get_by_text("Contact your mentor to arrange your first conversation."), 1.5)


SEND_AND_ANSWER = Journey(
    slug="sending-and-answering-a-request",
    title="Sending and answering a mentoring request",
    stage="preparing",
    position=2,
    intro=(
        "Sam, a mentee, asks a mentor for mentoring, and the mentor accepts. "
        "The video has no sound; the captions say what happens on screen."
    ),
    scenes=(
        Scene(
            member=MENTEE,
            start_path="/home",
            ready=_home_ready,
            steps=(
                Step(
                    "Sam finds a mentor by name with the keyword box and opens their profile.", _find_by_name
                ),
                Step("Send mentoring request opens a short form.", _open_request_form),
                Step(
                    "It starts from a template: replace it with the support you need, in your own words.",
                    _write_request,
                    note=f'Sam writes: "{REQUEST_TEXT}"',
                ),
                Step("Send it: the mentor is told by email and in the app.", _send_request),
                Step(
                    "While it waits for an answer, Sam can Edit the request or Cancel it.",
                    _show_pending,
                ),
            ),
        ),
        Scene(
            member=REQUESTED_MENTOR,
            start_path="/home",
            ready=_home_ready,
            steps=(
                Step("The mentor sees the request waiting under Requests.", _mentor_sees_request),
                Step(
                    "They read what Sam needs, and can Message Sam first to ask about it.",
                    _read_request,
                ),
                Step(
                    "The mentor accepts. (Decline asks for a reason and can suggest another mentor.)", _accept
                ),
                Step("Once accepted, each sees the other's contact details.", _show_contact),
            ),
        ),
        Scene(
            member=MENTEE,
            start_path="/requests",
            ready=_requests_ready,
            steps=(
                Step(
                    "Sam is told too. The request is now Active: time to arrange the first conversation.",
                    _mentee_sees_answer,
                ),
            ),
        ),
    ),
)


# --- 3. Setting a SMART goal ---------------------------------------------------------------------

GOAL = {
    "Specific": "Win three direct clients for Spanish business interpreting.",
    "Measurable": "Three signed client agreements.",
    "Achievable": "I already interpret for two agencies and have a website.",
    "Relevant": "Direct clients let me choose my work and set my rates.",
}


MILESTONE = "Update my website for direct clients"


def _open_dashboard(page: Page, _: Cast) -> None:
    relationships = page.get_by_role("list", name="Your mentoring relationships")
    click(relationships.get_by_role("link", name="Maria Mentor"))
    _expect(page.get_by_role("heading", name=re.compile("Mentoring with")))


def _open_goals(page: Page, _: Cast) -> None:
    click(page.get_by_role("tab", name="Goals"))
    _expect(page.get_by_role("button", name="Propose a SMART goal"))


def _open_goal_form(page: Page, _: Cast) -> None:
    click(page.get_by_role("button", name="Propose a SMART goal"))
    _expect(page.get_by_role("form", name="Propose a SMART goal"))


def _goal_field(part: str) -> Callable[[Page, Cast], None]:
    def act(page: Page, _: Cast) -> None:
        type_into(
            page.get_by_role("form", name="Propose a SMART goal").get_by_label(re.compile(f"^{part}")),
            GOAL[part],
        )

    return act


def _target_date(page: Page, _: Cast) -> None:
    box = page.get_by_role("form", name="Propose a SMART goal").get_by_label(re.compile("^Time-bound"))
    highlight(box, 0.6)
    box.fill((date.today() + timedelta(days=180)).isoformat())
    time.sleep(0.6)
    unhighlight(box)


def _propose(page: Page, _: Cast) -> None:
    click(page.get_by_role("form", name="Propose a SMART goal").get_by_role("button", name="Propose goal"))
    _expect(page.get_by_text("Goal proposed.").first)


def _goal_item(page: Page) -> Locator:
    return (
        page.get_by_role("list", name="Goals").get_by_role("listitem").filter(has_text=GOAL["Specific"]).first
    )


def _show_proposed(page: Page, _: Cast) -> None:
    point_at(_goal_item(page), 1.5)


def _dashboard_ready(page: Page) -> None:
    _logged_in(page)
    _expect(page.get_by_role("heading", name=re.compile("Mentoring with")))


def _mentor_agrees(page: Page, _: Cast) -> None:
    click(page.get_by_role("tab", name="Goals"))
    item = _goal_item(page)
    _expect(item)
    click(item.get_by_role("button", name="Agree to this goal"))
    _expect(item.get_by_text("Agreed", exact=False).first)


def _add_milestone(page: Page, _: Cast) -> None:
    item = _goal_item(page)
    click(item.get_by_role("button", name="Add a milestone"))
    form = page.get_by_role("form", name="Add a milestone")
    type_into(form.get_by_label("Milestone"), MILESTONE)
    click(form.get_by_role("button", name="Add milestone"))
    _expect(item.get_by_text(MILESTONE).first)


SMART_GOAL = Journey(
    slug="setting-a-smart-goal",
    title="Setting a SMART goal",
    stage="goal_setting",
    position=1,
    intro=(
        "Sam, a mentee, proposes a SMART goal to Maria, Sam's mentor, on their relationship dashboard. "
        "The video has no sound; the captions say what happens on screen."
    ),
    scenes=(
        Scene(
            member=MENTEE,
            start_path="/home",
            ready=_home_ready,
            steps=(
                Step("Sam opens the relationship with Maria, Sam's mentor, from Home.", _open_dashboard),
                Step(
                    "The Goals tab holds the pair's SMART goals, with milestones and progress.", _open_goals
                ),
                Step("Propose a SMART goal opens the goal tool.", _open_goal_form),
                Step("Specific: what exactly you want to achieve.", _goal_field("Specific")),
                Step(
                    "Measurable: how you will see success, with a number or a date.",
                    _goal_field("Measurable"),
                ),
                Step("Achievable: why it is within reach.", _goal_field("Achievable")),
                Step("Relevant: why it matters for your work.", _goal_field("Relevant")),
                Step("Time-bound: the target date.", _target_date),
                Step(
                    "Propose goal. If a part is missing, the tool says what to add before saving.",
                    _propose,
                ),
                Step("The goal waits for Maria to agree to it.", _show_proposed),
            ),
        ),
        Scene(
            member=MENTOR,
            start_path="/relationships/{relationship_id}",
            ready=_dashboard_ready,
            steps=(
                Step("Maria sees Sam's proposal on the same dashboard and agrees to it.", _mentor_agrees),
                Step(
                    "Milestones mark the steps on the way; ticking them shows progress to both.",
                    _add_milestone,
                    note=f'Maria adds the milestone "{MILESTONE}".',
                ),
            ),
        ),
    ),
)

JOURNEYS = (FIND_A_MENTOR, SEND_AND_ANSWER, SMART_GOAL)
