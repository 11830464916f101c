"""A refused My profile save: errors in the order the page shows the fields, named by their
labels, and focus sent to the first field in error."""

from __future__ import annotations

from mentoring_app.form_errors import FormField, focus_script, in_page_order, not_saved
from mentoring_app.state.criteria_picker import FieldView
from mentoring_app.state.profile import error_items, form_fields


def _view(name: str, label: str, kind: str) -> FieldView:
    return FieldView(
        key=name.split("__")[-1], input_name=name, label=label, kind=kind, selected_id="",
        options=[], exact=False, cost="",
    )  # fmt: skip


FIELDS = [
    FormField("name", "Name", "field-name"),
    FormField("mentor__region", "Region (as a mentor)", "mentor__region"),
    FormField("phone", "Phone number", "field-phone"),
]


def test_errors_follow_the_page_order_not_the_services() -> None:
    errors = {"phone": "Enter a phone number.", "name": "Enter your name.", "mentor__region": "Choose one."}
    found = in_page_order(errors, FIELDS)
    assert [(e.label, e.message, e.element_id) for e in found] == [
        ("Name", "Enter your name.", "field-name"),
        ("Region (as a mentor)", "Choose one.", "mentor__region"),
        ("Phone number", "Enter a phone number.", "field-phone"),
    ]
    assert not_saved("Your profile", found) == (
        "Your profile was not saved: check Name, Region (as a mentor) and Phone number."
    )


def test_an_error_for_a_field_the_page_does_not_list_is_kept() -> None:
    found = in_page_order({"phone": "Enter a phone number.", "mystery": "Something else."}, FIELDS)
    assert [(e.label, e.element_id) for e in found] == [("Phone number", "field-phone"), ("This form", "")]
    assert not_saved("Your profile", found[:1]) == "Your profile was not saved: check Phone number."
    assert not_saved("Your profile", []) == "Your profile was not saved."


def test_the_focus_script_names_the_element_as_a_string() -> None:
    script = focus_script('field-name"); alert(1); ("')
    assert 'getElementById("field-name\\"); alert(1); (\\"")' in script
    assert ".focus()" in script and "querySelector('input, select, textarea')" in script


def test_my_profile_lists_its_fields_as_the_page_draws_them() -> None:
    mentor = [_view("mentor__region", "Region", "select"), _view("mentor__languages", "Languages", "picker")]
    mentee = [_view("mentee__region", "Region", "checkboxes")]
    both = form_fields(mentor, mentee)
    assert [(f.key, f.label, f.element_id) for f in both] == [
        ("name", "Name", "field-name"),
        ("headline", "Headline", "field-headline"),
        ("bio", "Biography", "field-bio"),
        ("mentor__region", "Region (as a mentor)", "mentor__region"),
        ("mentor__languages", "Languages (as a mentor)", "mentor__languages-find"),
        ("capacity", "Capacity (mentees at once)", "field-capacity"),
        ("help_wanted", "What you want help with", "field-help_wanted"),
        ("mentee__region", "Region (what you look for)", "mentee__region"),
        ("contact_email", "Contact email", "field-contact_email"),
        ("phone", "Phone number", "field-phone"),
        ("preferred", "Preferred way to be contacted", "field-preferred"),
    ]
    mentee_only = [f.key for f in form_fields([], mentee)]
    assert "capacity" not in mentee_only and "help_wanted" in mentee_only


def test_each_summary_line_links_to_its_field_and_focuses_it() -> None:
    found = in_page_order({"phone": "Enter a phone number.", "mystery": "Something else."}, FIELDS)
    phone, other = error_items(found)
    assert (phone["label"], phone["message"], phone["href"]) == (
        "Phone number", "Enter a phone number.", "#field-phone"
    )  # fmt: skip
    assert phone["focus"] == focus_script("field-phone")
    assert (other["href"], other["focus"]) == ("#main", "")
