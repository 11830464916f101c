"""Times show in the member's zone; what they type in their zone is stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from mentoring_app import timefmt


def test_shows_times_in_the_members_zone_with_summer_time() -> None:
    winter, summer = datetime(2026, 1, 10, 12, 0, tzinfo=UTC), datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
    assert timefmt.show(winter, "Europe/London") == "10 Jan 2026, 12:00"
    assert timefmt.show(summer, "Europe/London") == "10 Jul 2026, 13:00"
    assert timefmt.show(summer, "Asia/Kolkata", timefmt.SHORT) == "10 Jul, 17:30"
    assert timefmt.show(datetime(2026, 7, 10, 12, 0), "Europe/Paris") == "10 Jul 2026, 14:00"  # naive = UTC


def test_unknown_or_missing_zones_fall_back_to_utc() -> None:
    moment = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
    for bad in ("", None, "Mars/Olympus", "../../etc/passwd", "UTC"):
        assert timefmt.show(moment, bad) == "10 Jul 2026, 12:00"
        assert timefmt.zone_name(bad) == "UTC"
    assert timefmt.show(None, "Europe/London", empty="Never") == "Never"


def test_typed_wall_clock_times_become_utc() -> None:
    assert timefmt.to_utc(date(2026, 7, 1), time(9, 30), "Europe/Paris") == datetime(
        2026, 7, 1, 7, 30, tzinfo=UTC
    )
    assert timefmt.to_utc(date(2026, 12, 1), time(9, 30), "Europe/Paris") == datetime(
        2026, 12, 1, 8, 30, tzinfo=UTC
    )


def test_how_long_ago_and_typical_waits_in_words() -> None:
    now = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
    cases = {
        0: "today",
        1: "yesterday",
        5: "5 days ago",
        20: "2 weeks ago",
        90: "3 months ago",
        400: "over a year ago",
    }
    for days, words in cases.items():
        assert timefmt.ago(now - timedelta(days=days, minutes=1), now) == words
    assert timefmt.ago(None, now) == "never"
    assert [timefmt.within(h) for h in (2, 20, 30, 71)] == [
        "within a few hours",
        "within a day",
        "within 2 days",
        "within 3 days",
    ]


def test_lengths_read_in_hours_and_minutes() -> None:
    cases = {
        0: "0 min",
        1: "1 min",
        45: "45 min",
        59.6: "1 h",
        60: "1 h",
        90: "1 h 30 min",
        125: "2 h 5 min",
        1500: "25 h",
    }
    for minutes, words in cases.items():
        assert timefmt.length(minutes) == words
    assert timefmt.length(None) == "0 min"
    assert timefmt.length(-5) == "0 min"
    assert "hours" not in timefmt.length(48)  # 0.8 of an hour is 48 min, not "0.8 hours"
