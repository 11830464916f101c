"""Links in messages: plain text split into text and link parts.

Messages are plain text, and stay so: the page renders each part as text or as a link element, so
no HTML from a member ever reaches the page. Only ``http`` and ``https`` addresses become links;
anything else (``javascript:``, ``data:``, ``mailto:``...) stays text. Splitting happens here, in
plain Python on the text already read, so it costs no query and is tested on its own.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

# A web address starts at a word boundary with http:// or https:// and runs to the next space or
# character that cannot be part of one in running text (quotes and angle brackets).
_ADDRESS = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the address: "see https://example.org."
_TRAILING = ".,;:!?*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
MAX_LINK = 2000  # longer "addresses" stay text


class Part(NamedTuple):
    """A run of a message: text, and the address it links to ("" for plain text)."""

    text: str
    href: str = ""


def _trim(address: str) -> str:
    """Drop punctuation that closes the sentence around an address, keeping balanced brackets
    ("https://en.wikipedia.org/wiki/Mentor_(disambiguation)" keeps its ")")."""
    while address:
        last = address[-1]
        if last in _TRAILING or (last in _CLOSERS and address.count(last) > address.count(_CLOSERS[last])):
            address = address[:-1]
        else:
            break
    return address


def _web_address(candidate: str) -> bool:
    if len(candidate) > MAX_LINK:
        return False
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def split_links(text: str) -> list[Part]:
    """The text as parts, in order, with each http(s) address a link part; joined, the parts'
    texts are the text exactly."""
    parts: list[Part] = []
    start = 0
    for found in _ADDRESS.finditer(text):
        address = _trim(found.group())
        if not _web_address(address):
            continue
        begin, end = found.start(), found.start() + len(address)
        if begin > start:
            parts.append(Part(text[start:begin]))
        parts.append(Part(address, address))
        start = end
    if start < len(text) or not parts:
        parts.append(Part(text[start:]))
    return parts
