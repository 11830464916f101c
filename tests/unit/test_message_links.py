"""Links in messages: only http(s) addresses become links, the text is kept exactly, and nothing
else (javascript:, data:, HTML) is ever turned into a link."""

from __future__ import annotations

import pytest

from mentoring_app.services.conversations.links import MAX_LINK, Part, split_links


def _joined(parts: list[Part]) -> str:
    return "".join(p.text for p in parts)


def test_plain_text_is_one_text_part() -> None:
    assert split_links("Hello, see you on Monday.") == [Part("Hello, see you on Monday.")]
    assert split_links("") == [Part("")]


def test_web_addresses_become_links_and_the_sentence_keeps_its_punctuation() -> None:
    text = "Read https://example.org/guide?x=1&y=2. Then http://iti.org.uk, or (https://ciol.org.uk)!"
    parts = split_links(text)
    assert [p.href for p in parts if p.href] == [
        "https://example.org/guide?x=1&y=2",
        "http://iti.org.uk",
        "https://ciol.org.uk",
    ]
    assert _joined(parts) == text
    assert parts[0] == Part("Read ")
    assert parts[1] == Part("https://example.org/guide?x=1&y=2", "https://example.org/guide?x=1&y=2")


def test_balanced_brackets_stay_in_the_address() -> None:
    address = "https://en.wikipedia.org/wiki/Mentor_(disambiguation)"
    assert split_links(f"See {address}.")[1] == Part(address, address)


def test_case_of_the_scheme_and_lines_are_kept() -> None:
    text = "Slides:\nHTTPS://Example.org/Deck\nthanks"
    parts = split_links(text)
    assert parts[1] == Part("HTTPS://Example.org/Deck", "HTTPS://Example.org/Deck")
    assert _joined(parts) == text


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "mailto:someone@example.org",
        "ftp://files.example.org/x",
        "xhttps://example.org",
        "https://",
        "http:///path-only",
        '<a href="https://evil.example">click</a>',
    ],
)
def test_other_schemes_and_html_never_become_links(text: str) -> None:
    parts = split_links(text)
    assert _joined(parts) == text
    for part in parts:
        assert part.href == "" or part.href.lower().startswith(("http://", "https://"))
    assert all(not p.href.lower().startswith(("javascript", "data", "vbscript", "mailto")) for p in parts)


def test_an_address_inside_html_is_a_link_only_to_itself() -> None:
    parts = split_links('<a href="https://evil.example">click</a>')
    assert [p.href for p in parts if p.href] == ["https://evil.example"]  # stops at the quote


def test_overlong_addresses_stay_text() -> None:
    address = "https://example.org/" + "a" * MAX_LINK
    assert split_links(address) == [Part(address)]
