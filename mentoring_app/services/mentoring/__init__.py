"""Mentoring relationships: requests, the dashboard's goals, meetings, agreement and ending."""
