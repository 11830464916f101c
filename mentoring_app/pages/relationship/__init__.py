"""The relationship dashboard (`/relationships/<id>`), a module per section."""

from mentoring_app.pages.relationship.dashboard import page

__all__ = ["page"]
