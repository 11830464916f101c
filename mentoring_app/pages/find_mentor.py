"""Find mentor: criteria with their importance (Exact match: must match; Important; Nice to have)
beside each field, a keyword, and results ranked by weighted fit."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import a as plain_anchor

from mentoring_app import routes, style
from mentoring_app.components.avatar import member_face
from mentoring_app.components.criteria import CONTROL_STYLE, criterion_field
from mentoring_app.components.deferred import deferred
from mentoring_app.components.find_mentor_importance import (
    fit_and_why,
    importance_choice,
    saved_note,
    weights_explained,
)
from mentoring_app.components.forms import field
from mentoring_app.components.layout import page_shell
from mentoring_app.components.search_form import SCRIPT
from mentoring_app.state.criteria_picker import FieldView, OptionView
from mentoring_app.state.find_mentor import AlertRow, FindMentorState, ResultView, SavedRow

# The criteria and the results are taller than a phone's screen: the browser lays out and paints
# only the fields and result cards near the screen (the rest keep an estimated, then remembered,
# height), so showing the page costs less layout work. They stay in the page, the form and the
# accessibility tree as before.
OFF_SCREEN_SKIPPED = {"content_visibility": "auto", "contain_intrinsic_size": "auto 12rem"}
LONG_LIST = 10  # a checkbox list longer than this gets a "Find in" box
SMALL_LABEL = {"font_size": "0.85rem", "display": "block", "margin_bottom": "0.2rem"}
CHIP_BUTTON = {"cursor": "pointer", "display": "inline-flex", "background": "none", "border": "none"}
RESULTS_ID = "results"
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def _exact_match(f: rx.Var[FieldView]) -> rx.Component:
    return rx.vstack(
        importance_choice(f),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                name="exact",
                value=f["key"].to(str),
                default_checked=FindMentorState.exact_keys.contains(f["key"].to(str)),
                aria_label="Exact match: " + f["label"].to(str),
            ),
            "Exact match",
            style={"display": "inline-flex", "gap": "0.4rem", "align_items": "center", "font_size": "0.9rem"},
        ),
        rx.text("Must match: only mentors who have it", size="1", color=style.MUTED_COLOR),
        rx.cond(
            FindMentorState.cost_of[f["key"].to(str)].to(str),
            rx.text(FindMentorState.cost_of[f["key"].to(str)].to(str), size="2", color=style.MUTED_COLOR),
        ),
        spacing="1",
        margin_top="0.4rem",
    )


def _chosen_chips(f: rx.Var[FieldView]) -> rx.Component:
    """A checkbox field's chosen values as chips, each removable (the picker has its own)."""
    key = f["key"].to(str)
    picked = FindMentorState.chosen[key].to(list[str])
    return rx.flex(
        rx.foreach(
            f["options"].to(list[OptionView]),
            lambda o: rx.cond(
                picked.contains(o["id"].to(str)),
                rx.badge(
                    o["label"].to(str),
                    rx.el.button(
                        rx.icon("x", size=14, aria_hidden="true"),
                        type="button",
                        aria_label="Remove " + o["label"].to(str),
                        custom_attrs={"data-untick": key + ":" + o["id"].to(str)},
                        style=CHIP_BUTTON,
                    ),
                    size="2",
                    high_contrast=True,
                    variant="soft",
                ),
            ),
        ),
        wrap="wrap",
        gap="0.4rem",
    )


def _filter_field(f: rx.Var[FieldView]) -> rx.Component:
    """A field that folds away: its name and how many values are chosen; open, its control,
    a "Find in" box for a long list, and Exact match with what it costs."""
    key = f["key"].to(str)
    kind = f["kind"].to(str)
    count = rx.cond(
        kind == "picker",
        FindMentorState.chips[key].to(list[str]).length(),
        FindMentorState.chosen[key].to(list[str]).length(),
    )
    return rx.box(
        rx.el.details(
            rx.el.summary(f["label"].to(str), rx.cond(count > 0, " (" + count.to_string() + ")", "")),
            rx.cond(
                (kind == "checkboxes") & (f["options"].to(list[OptionView]).length() > LONG_LIST),
                rx.el.div(
                    rx.el.label(
                        "Find in " + f["label"].to(str), html_for="find-in-" + key, style=SMALL_LABEL
                    ),
                    rx.el.input(
                        id="find-in-" + key,
                        type="search",
                        auto_complete="off",
                        custom_attrs={"data-filter-options": ""},
                        style={**CONTROL_STYLE, "padding": "0.3rem 0.5rem", "margin_bottom": "0.4rem"},
                    ),
                ),
            ),
            criterion_field(FindMentorState, f, _exact_match(f), chosen=FindMentorState.chosen),
            open=FindMentorState.open_keys.contains(key),
        ),
        rx.cond(kind == "checkboxes", _chosen_chips(f)),
        custom_attrs={"data-filter-field": ""},
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.heading("What you are looking for", as_="h2", size="4"),
                    rx.button(
                        "Show results",
                        type="button",
                        size="2",
                        custom_attrs={"data-close-filters": "", "data-drawer-only": ""},
                    ),
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.text(
                    "Results follow your choices as you make them.",
                    size="2",
                    color=style.MUTED_COLOR,
                ),
                field(
                    "Keyword",
                    "q",
                    errors=FindMentorState.errors,
                    default_value=FindMentorState.keyword,
                    required=False,
                    max_length=100,
                    hint="Names, headlines and biographies. Results follow when you pause or press Enter.",
                ),
                rx.el.input(type="hidden", name="page", default_value="1"),
                rx.foreach(
                    FindMentorState.fields,
                    lambda f: rx.box(_filter_field(f), style=OFF_SCREEN_SKIPPED, width="100%"),
                ),
                weights_explained(),
                spacing="3",
                width="100%",
            ),
            key=FindMentorState.form_key,
            on_submit=FindMentorState.search,
            reset_on_submit=False,
            aria_label="Find mentor",
            custom_attrs={"data-search-form": ""},
        ),
        rx.cond(
            FindMentorState.can_save,
            rx.vstack(
                rx.button(
                    "Save these criteria",
                    type="button",
                    variant="soft",
                    width="100%",
                    on_click=FindMentorState.save_criteria,
                ),
                saved_note(),
                _notify_me(),
                spacing="2",
                width="100%",
                margin_top="0.75rem",
            ),
        ),
        width="100%",
        custom_attrs={"data-filter-card": ""},
    )


def _notify_me() -> rx.Component:
    return rx.vstack(
        rx.button(
            "Notify me about new mentors like this",
            type="button",
            variant="soft",
            width="100%",
            disabled=~FindMentorState.can_alert | ~rx.State.is_hydrated,
            aria_describedby="notify-me-hint",
            on_click=FindMentorState.notify_me,
        ),
        rx.text(
            rx.cond(
                FindMentorState.can_alert,
                "We will tell you, here and by email, when a mentor matching your Exact match (must "
                "match) fields joins or becomes available.",
                "Tick Exact match on at least one field: then we can tell you when a mentor "
                "like that joins or becomes available.",
            ),
            id="notify-me-hint",
            size="2",
            color=style.MUTED_COLOR,
        ),
        rx.cond(
            FindMentorState.alert_error,
            rx.text(FindMentorState.alert_error, size="2", color=style.ERROR_COLOR, role="alert"),
        ),
        spacing="1",
        width="100%",
    )


def _alert(alert: rx.Var[AlertRow]) -> rx.Component:
    description = alert["description"].to(str)
    return rx.el.li(
        rx.vstack(
            rx.text(description, weight="bold", size="2"),
            rx.text(alert["matching_now"].to(str), size="2", color=style.MUTED_COLOR),
            rx.button(
                "Stop this alert",
                type="button",
                variant="outline",
                size="1",
                aria_label="Stop this alert: " + description,
                on_click=FindMentorState.stop_alert(alert["id"].to(int)),
            ),
            spacing="1",
            align="start",
        ),
        style={"list_style": "none"},
    )


def _listed_card(title: str, heading_id: str, items: rx.Component, *intro: rx.Component) -> rx.Component:
    """A card with a heading and the list it names (mentor alerts, the shortlist)."""
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h2", size="4", id=heading_id),
            *intro,
            rx.el.ul(items, style=style.CARD_LIST, aria_labelledby=heading_id),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _alerts() -> rx.Component:
    return _listed_card(
        "Your mentor alerts", "mentor-alerts-heading", rx.foreach(FindMentorState.alerts, _alert)
    )


def _save_toggle(mentor_id: rx.Var[int], name: rx.Var[str], saved: rx.Var[bool]) -> rx.Component:
    """Save mentor, or (once saved) Saved with Remove from shortlist; each names the mentor."""
    return rx.cond(
        saved,
        rx.hstack(
            rx.badge("Saved", size="1", color_scheme="green", high_contrast=True),
            rx.button(
                "Remove from shortlist",
                type="button",
                variant="ghost",
                size="1",
                aria_label="Remove from shortlist: " + name,
                disabled=~rx.State.is_hydrated,
                on_click=FindMentorState.remove_saved(mentor_id),
            ),
            align="center",
            spacing="2",
        ),
        rx.button(
            "Save mentor",
            type="button",
            variant="soft",
            size="1",
            aria_label="Save mentor: " + name,
            disabled=~rx.State.is_hydrated,
            on_click=FindMentorState.save_mentor(mentor_id),
        ),
    )


def _saved(row: rx.Var[SavedRow]) -> rx.Component:
    name = row["name"].to(str)
    return rx.el.li(
        rx.hstack(
            member_face(
                in_list=True,
                name=name,
                photo=row["photo"].to(str),
                initials=row["initials"].to(str),
                colour=row["colour"].to(str),
                size="40px",
            ),
            rx.vstack(
                rx.cond(
                    row["profile_url"].to(str),
                    rx.link(
                        name, href=row["profile_url"].to(str), underline="always", weight="bold", size="2"
                    ),
                    rx.text(name, weight="bold", size="2"),
                ),
                rx.text(
                    row["status"].to(str),
                    size="2",
                    color=rx.cond(row["available"].to(bool), "var(--green-11)", style.ERROR_COLOR),
                ),
                rx.button(
                    "Remove from shortlist",
                    type="button",
                    variant="ghost",
                    size="1",
                    aria_label="Remove from shortlist: " + name,
                    disabled=~rx.State.is_hydrated,
                    on_click=FindMentorState.remove_saved(row["id"].to(int)),
                ),
                spacing="1",
                align="start",
            ),
            spacing="3",
            align="start",
        ),
        style={"list_style": "none"},
    )


def _shortlist() -> rx.Component:
    return _listed_card(
        "Shortlist",
        "shortlist-heading",
        rx.foreach(FindMentorState.shortlist, _saved),
        rx.text("Mentors you saved, newest first.", size="2", color=style.MUTED_COLOR),
    )


def _result(result: rx.Var[ResultView]) -> rx.Component:
    name = result["name"].to(str)
    return rx.el.li(
        rx.card(
            rx.hstack(
                member_face(
                    in_list=True,
                    name=name,
                    photo=result["photo"].to(str),
                    initials=result["initials"].to(str),
                    colour=result["colour"].to(str),
                ),
                rx.vstack(
                    rx.heading(
                        rx.link(name, href=result["profile_url"].to(str), underline="always"),
                        as_="h3",
                        size="4",
                    ),
                    rx.cond(result["headline"].to(str), rx.text(result["headline"].to(str))),
                    rx.text(
                        rx.cond(result["region"].to(str), result["region"].to(str), "Region not set"),
                        " · ",
                        result["languages"].to(str),
                        size="2",
                        color=style.MUTED_COLOR,
                    ),
                    fit_and_why(result),
                    rx.flex(
                        rx.foreach(
                            result["matched"].to(list[str]),
                            lambda m: rx.badge(m, size="1", high_contrast=True, variant="soft"),
                        ),
                        wrap="wrap",
                        gap="0.3rem",
                    ),
                    rx.text("Available for new mentees", size="2", color="var(--green-11)"),
                    rx.cond(
                        FindMentorState.can_save,
                        _save_toggle(result["id"].to(int), name, result["saved"].to(bool)),
                    ),
                    spacing="1",
                    align="start",
                ),
                spacing="4",
                align="start",
            ),
            width="100%",
        ),
        style={"list_style": "none", **OFF_SCREEN_SKIPPED},
    )


def _pager() -> rx.Component:
    """Previous and Next submit the search form with the page wanted (components/search_form.py),
    so a page keeps the search on screen. At either end the button says it is unavailable but
    stays focusable (a disabled button would drop the focus of whoever just pressed it)."""
    return rx.hstack(
        rx.button(
            "Previous page",
            type="button",
            variant="soft",
            aria_disabled=rx.cond(FindMentorState.page <= 1, "true", "false"),
            custom_attrs={"data-go-to-page": (FindMentorState.page - 1).to_string()},
        ),
        rx.text("Page ", FindMentorState.page, " of ", FindMentorState.pages, size="2"),
        rx.button(
            "Next page",
            type="button",
            variant="soft",
            aria_disabled=rx.cond(FindMentorState.page >= FindMentorState.pages, "true", "false"),
            custom_attrs={"data-go-to-page": (FindMentorState.page + 1).to_string()},
        ),
        align="center",
        justify="center",
        spacing="4",
        width="100%",
    )


def _found_text() -> rx.Var[str]:
    return rx.cond(
        FindMentorState.total == 1,
        "1 mentor found",
        FindMentorState.total.to_string() + " mentors found",
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.heading(_found_text(), as_="h2", size="5", id=RESULTS_ID, tab_index=-1),
        # What a screen reader hears after each change (the heading itself is not a live region,
        # so moving to it does not repeat it).
        rx.el.div(_found_text(), role="status", aria_live="polite", style=VISUALLY_HIDDEN),
        rx.foreach(FindMentorState.costs, lambda c: rx.text(c, size="2")),
        rx.cond(
            FindMentorState.total > 0,
            rx.vstack(
                rx.el.ol(
                    rx.foreach(FindMentorState.results, _result),
                    style=style.CARD_LIST,
                    aria_label="Mentors, best matches first",
                ),
                rx.cond(FindMentorState.pages > 1, _pager()),
                spacing="4",
                width="100%",
            ),
            rx.callout(
                "No mentor matches all of that. Untick an Exact match, or choose fewer criteria.",
                icon="search",
            ),
        ),
        spacing="3",
        width="100%",
        on_mount=rx.call_script(SCRIPT),
    )


def _filters_button() -> rx.Component:
    """Below 1024 px, the criteria open as a drawer from here (the results come first)."""
    return rx.button(
        rx.icon("sliders-horizontal", size=16, aria_hidden="true"),
        "Filters (",
        FindMentorState.filters_chosen,
        ")",
        type="button",
        variant="outline",
        aria_haspopup="dialog",
        aria_expanded="false",
        custom_attrs={"data-open-filters": "", "data-drawer-only": ""},
    )


def _skip_to_results() -> rx.Component:
    # A plain anchor, as the page's own skip link (layout.py): React Router's Link would rewrite it.
    return plain_anchor(
        "Skip to results",
        href="#" + RESULTS_ID,
        style={
            "position": "absolute",
            "left": "-999px",
            "_focus": {"position": "static", "display": "inline-block", "padding": "0.25rem 0"},
        },
    )


# A search puts its URL in the history without loading the page again (one event per search), so
# React Router does not see Back and Forward between searches: on those, the page reads the search
# from the URL itself, through a hidden button wired to the page's load event.
_FROM_URL_ID = "find-mentor-from-url"
_LISTEN_TO_HISTORY = rx.Var(
    "() => { if (window.__findMentorHistory) return; window.__findMentorHistory = true;"
    " window.addEventListener('popstate', () => {"
    f" if (window.location.pathname.replace(/\\/$/, '') === {routes.FIND_MENTOR!r})"
    f" document.getElementById({_FROM_URL_ID!r})?.click(); }}); }}"
)


def _follow_back_and_forward() -> rx.Component:
    return rx.el.button(
        "Show the search in the address bar",
        id=_FROM_URL_ID,
        type="button",
        hidden=True,
        tab_index=-1,
        on_click=FindMentorState.load,
        on_mount=rx.call_function(_LISTEN_TO_HISTORY),
    )


def _finding() -> rx.Component:
    return rx.text("Finding mentors…")


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            _follow_back_and_forward(),
            rx.heading("Find mentor", as_="h1", size="7"),
            rx.cond(
                FindMentorState.loaded,
                rx.cond(
                    FindMentorState.allowed,
                    # The criteria and results (about 700 elements) render in slices: see deferred.py.
                    deferred(
                        rx.vstack(
                            _skip_to_results(),
                            _filters_button(),
                            rx.el.div(
                                rx.el.section(
                                    _filters(),
                                    aria_label="Filters",
                                    custom_attrs={"data-filter-drawer": ""},
                                ),
                                rx.box(_results(), custom_attrs={"data-results": ""}),
                                rx.vstack(
                                    rx.cond(FindMentorState.shortlist.length() > 0, _shortlist()),
                                    rx.cond(FindMentorState.alerts.length() > 0, _alerts()),
                                    spacing="4",
                                    width="100%",
                                    custom_attrs={"data-extras": ""},
                                ),
                                # The layout (results first on a phone): assets/find_mentor.css.
                                custom_attrs={"data-find-grid": ""},
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        _finding(),
                    ),
                    rx.callout(FindMentorState.refusal, icon="info"),
                ),
                _finding(),
            ),
            spacing="4",
            width="100%",
        )
    )
