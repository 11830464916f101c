"""The admin dashboard's figures: monthly charts, the mentoring funnel, headline numbers, and what
needs attention. Admins only.

Every figure is aggregated by the database: the services return a few dozen numbers, never rows.
Months are calendar months in UTC, and each month is a half-open range ``[first day, next first
day)`` compared directly with the indexed timestamp, so the indexes are used on SQLite and
PostgreSQL alike (no per-row date formatting). Each chart query joins a small derived table of the
months asked for with the rows, and groups by month; missing months come back as zeros. Visits,
the one table that grows into millions of rows, are counted per month as they happen
(``visit_months``, see services/visits), so their chart reads one row per month.

Goals, agreements and meetings come from the relationship dashboard (models/journeys): a goal
belongs to a journey of a relationship; the agreement lives on the journey (confirmed once both
``mentee_confirmed_at`` and ``mentor_confirmed_at`` are set); a meeting belongs to the relationship.

The figures live in modules by concern, all re-exported here (the states, exports and tests use
``analytics.<name>``): analytics_common (views, months, shared SQL helpers), analytics_charts
(monthly charts, answer time), analytics_funnel (the mentoring funnel),
analytics_attention (headline numbers, needs attention).
"""

from __future__ import annotations

from mentoring_app.services.staff.analytics_attention import needs_attention, summary
from mentoring_app.services.staff.analytics_charts import (
    active_relationships_per_month,
    goals_per_month,
    median_answer_time,
    registrations_per_month,
    requests_per_month,
    visits_per_month,
)
from mentoring_app.services.staff.analytics_common import (
    ATTENTION_LIST,
    EXPIRY_WARNING,
    MAX_MONTHS,
    QUIET_AFTER,
    STARTED,
    AnswerTime,
    ExpiringRequest,
    Funnel,
    FunnelStage,
    Month,
    MonthlyChart,
    NeedsAttention,
    OpenReport,
    QuietPair,
    Series,
    Summary,
    months_between,
)
from mentoring_app.services.staff.analytics_funnel import FUNNEL_STAGES, funnel

__all__ = [
    "ATTENTION_LIST",
    "EXPIRY_WARNING",
    "FUNNEL_STAGES",
    "MAX_MONTHS",
    "QUIET_AFTER",
    "STARTED",
    "AnswerTime",
    "ExpiringRequest",
    "Funnel",
    "FunnelStage",
    "Month",
    "MonthlyChart",
    "NeedsAttention",
    "OpenReport",
    "QuietPair",
    "Series",
    "Summary",
    "active_relationships_per_month",
    "funnel",
    "goals_per_month",
    "median_answer_time",
    "months_between",
    "needs_attention",
    "registrations_per_month",
    "requests_per_month",
    "summary",
    "visits_per_month",
]
