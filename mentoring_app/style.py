"""Style tokens: the one place for colours, spacing and widths (Radix Themes does the rest)."""

ACCENT = "indigo"  # white text on indigo-9 passes WCAG AA contrast (teal-9 does not)
GRAY = "sand"
CONTENT_WIDTH = "64rem"
FORM_WIDTH = "28rem"
PAGE_PADDING = "1.5rem 1rem 3rem"
SECTION_GAP = "1.5rem"
ERROR_COLOR = "var(--red-11)"
MUTED_COLOR = "var(--gray-11)"
NAV_BACKGROUND = "var(--color-panel-solid)"
FOCUS_RING = {"outline": "2px solid var(--accent-8)", "outline_offset": "2px"}

# A list of cards (results, requests, messages): no bullets, even gaps.
CARD_LIST = {"padding": "0", "margin": "0", "display": "grid", "gap": "0.75rem", "width": "100%"}

BASE_STYLE = {
    "a:focus-visible, button:focus-visible, input:focus-visible": FOCUS_RING,
}
