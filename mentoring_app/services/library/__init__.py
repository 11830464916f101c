"""Guides and videos for mentors and mentees."""
