"""Live updates: a change is published once, and each backend worker wakes only the open tabs of
the members it concerns (no per-tab polling).

Layering: services call ``publish_after_commit`` / ``publish``; this package imports no state or
page. The state layer (state/live_tabs.py) fills the per-worker ``tabs`` registry when member pages
open, and gives the ``Waker`` the refresh that runs on a woken tab.
"""

from mentoring_app.live.bus import (
    MESSAGE,
    NOTIFICATION,
    ORIGIN,
    READ,
    RELATIONSHIP,
    REQUEST,
    choose_transport,
    get_transport,
    listen,
    publish,
    publish_after_commit,
    relationship_parts,
    relationship_topic,
    set_transport,
)
from mentoring_app.live.registry import EVERYTHING, Tab, TabRegistry, Waker

# This worker's open member tabs (one registry per process: each worker holds its own sockets).
tabs = TabRegistry()

__all__ = [
    "EVERYTHING",
    "MESSAGE",
    "NOTIFICATION",
    "ORIGIN",
    "READ",
    "RELATIONSHIP",
    "REQUEST",
    "Tab",
    "TabRegistry",
    "Waker",
    "choose_transport",
    "get_transport",
    "listen",
    "publish",
    "publish_after_commit",
    "relationship_parts",
    "relationship_topic",
    "set_transport",
    "tabs",
]
