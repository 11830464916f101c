"""The admin dashboard: headline numbers, monthly charts, the mentoring funnel and what needs
attention, over a range of months kept in the URL (``?from=2025-01&to=2025-12``).

Every figure is aggregated by the database (services/analytics); this state holds only those
figures, the Plotly figures drawn from them, and the names of the members in the "needs attention"
lists (admins may see them). Anyone else gets nothing: the services refuse them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import routes, timefmt
from mentoring_app.models import User
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError, ValidationFailed
from mentoring_app.services.staff import analytics, checkin_attention, exports
from mentoring_app.state.admin_checkins import AdminCheckinsPart
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
# Colours that stay apart for colour-blind readers (Okabe-Ito), in series order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")


class ChartTable(TypedDict):
    headers: list[str]
    rows: list[list[str]]


class StatView(TypedDict):
    label: str
    value: str
    note: str


class PairView(TypedDict):
    relationship_id: int
    mentee: str
    mentee_url: str
    mentor: str
    mentor_url: str
    when: str
    detail: str


class ReportLinkView(TypedDict):
    id: int
    text: str
    when: str
    url: str


def parse_month(raw: object) -> date | None:
    """The first day of a "YYYY-MM" month from the browser, or None."""
    found = MONTH.match(raw) if isinstance(raw, str) else None
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def months_from_url(params: Mapping[str, str], today: date) -> tuple[date, date, str]:
    """The months a chart page's URL asks for (``?from=2025-01&to=2025-12``), the last 12 months for
    what it leaves out, and the message to show when a month is not a year and month."""
    start, end = default_range(today)
    asked_start, asked_end = parse_month(params.get("from")), parse_month(params.get("to"))
    error = ""
    if ("from" in params and asked_start is None) or ("to" in params and asked_end is None):
        error = "Choose months as year and month, for example 2025-01."
    return asked_start or start, asked_end or end, error


def default_range(today: date) -> tuple[date, date]:
    """The last 12 months, this one included."""
    total = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    return date(total // 12, total % 12 + 1, 1), date(today.year, today.month, 1)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_label(key: str) -> str:
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %Y")


@dataclass(frozen=True)
class _Figures:
    summary: analytics.Summary
    visits: analytics.MonthlyChart
    registrations: analytics.MonthlyChart
    requests: analytics.MonthlyChart
    active: analytics.MonthlyChart
    goals: analytics.MonthlyChart
    funnel: analytics.Funnel
    answer: analytics.AnswerTime
    attention: analytics.NeedsAttention
    checkins: tuple[list[checkin_attention.CheckinConcern], int]
    checkin_weeks: int


def _gather(session: Session, *, actor: User | None, start: date, end: date) -> _Figures:
    """Every figure of the dashboard, each from its service (which checks the actor is an admin)."""
    args = {"actor": actor, "start": start, "end": end}
    return _Figures(
        visits=analytics.visits_per_month(session, **args),
        summary=analytics.summary(session, actor=actor),
        registrations=analytics.registrations_per_month(session, **args),
        requests=analytics.requests_per_month(session, **args),
        active=analytics.active_relationships_per_month(session, **args),
        goals=analytics.goals_per_month(session, **args),
        funnel=analytics.funnel(session, **args),
        answer=analytics.median_answer_time(session, **args),
        attention=analytics.needs_attention(session, actor=actor),
        checkins=checkin_attention.needs_attention(session, actor=actor),
        checkin_weeks=checkin_attention.current_interval(session, actor=actor),
    )


def chart_layout(**extra: object) -> go.Layout:
    base: dict[str, object] = {
        "template": "none",
        "height": 340,
        "margin": {"l": 48, "r": 16, "t": 40, "b": 40},
        "legend": {
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        "hovermode": "x unified",
        "colorway": list(PALETTE),
    }
    return go.Layout(**(base | extra))


# With range buttons, the legend takes a row of its own above them, on the left as they are: side
# by side at the top (the default), a phone's narrow chart drew the buttons over the legend.
SELECTOR_ROOM: dict[str, object] = {
    "margin": {"l": 48, "r": 16, "t": 84, "b": 40},
    "legend": {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": 1.2,
        "yanchor": "bottom",
        "traceorder": "normal",
    },
}
RANGE_BUTTONS_Y = 1.02  # just above the plot, below the legend


def _month_axis(months: tuple[str, ...], *, selector: bool = False) -> dict:
    axis: dict = {"type": "date", "tickformat": "%b %Y", "dtick": "M1" if len(months) <= 12 else "M3"}
    if selector:
        axis["rangeselector"] = {
            "x": 0,
            "xanchor": "left",
            "y": RANGE_BUTTONS_Y,
            "yanchor": "bottom",
            "buttons": [
                {"count": 3, "label": "3 months", "step": "month", "stepmode": "backward"},
                {"count": 6, "label": "6 months", "step": "month", "stepmode": "backward"},
                {"count": 1, "label": "1 year", "step": "year", "stepmode": "backward"},
                {"step": "all", "label": "All"},
            ],
        }
        axis["rangeslider"] = {"visible": True, "thickness": 0.08}
    return axis


def _bars(
    chart: analytics.MonthlyChart, keys: tuple[str, ...], *, stacked: bool = False, selector: bool = False
) -> go.Figure:
    traces = [
        go.Bar(
            x=list(chart.months),
            y=list(chart.values(key)),
            name=next(s.label for s in chart.series if s.key == key),
            hovertemplate="%{y}<extra>%{fullData.name}</extra>",
        )
        for key in keys
    ]
    return go.Figure(
        traces,
        layout=chart_layout(
            barmode="stack" if stacked else "group",
            xaxis=_month_axis(chart.months, selector=selector),
            yaxis={"rangemode": "tozero", "title": {"text": ""}},
            **(SELECTOR_ROOM if selector else {}),
        ),
    )


def _lines(chart: analytics.MonthlyChart) -> go.Figure:
    traces = [
        go.Scatter(
            x=list(chart.months),
            y=list(series.values),
            name=series.label,
            mode="lines+markers",
            hovertemplate="%{y}<extra>%{fullData.name}</extra>",
        )
        for series in chart.series
    ]
    return go.Figure(
        traces,
        layout=chart_layout(xaxis=_month_axis(chart.months), yaxis={"rangemode": "tozero"}),
    )


def _table(chart: analytics.MonthlyChart, keys: tuple[str, ...] | None = None) -> ChartTable:
    series = [s for s in chart.series if keys is None or s.key in keys]
    return ChartTable(
        headers=["Month", *(s.label for s in series)],
        rows=[
            [month_label(month), *(str(s.values[i]) for s in series)] for i, month in enumerate(chart.months)
        ]
        + [["Total", *(str(s.total) for s in series)]],
    )


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"


def _funnel_figure(funnel: analytics.Funnel) -> go.Figure:
    stages = list(funnel.stages)
    return go.Figure(
        go.Funnel(
            y=[s.label for s in stages],
            x=[s.count for s in stages],
            textinfo="value+percent previous+percent initial",
            hovertemplate="%{y}: %{x} mentees<extra></extra>",
            marker={"color": PALETTE[0]},
        ),
        layout=chart_layout(height=380, margin={"l": 220, "r": 16, "t": 16, "b": 24}, hovermode="closest"),
    )


def _funnel_table(funnel: analytics.Funnel) -> ChartTable:
    return ChartTable(
        headers=["Stage", "Mentees", "From the previous stage", "From registered"],
        rows=[
            [s.label, str(s.count), _percent(s.from_previous), _percent(s.from_first)] for s in funnel.stages
        ],
    )


def _answer_text(answer: analytics.AnswerTime) -> str:
    if answer.median_hours is None:
        return "No requests were answered in these months."
    hours = answer.median_hours
    shown = timefmt.length(hours * 60) if hours < 48 else f"{hours / 24:.1f} days"
    return f"{shown} (median over {answer.answered} answered request{'s' * (answer.answered != 1)})"


def _member_url(user_id: int) -> str:
    return f"{routes.ADMIN_MEMBERS}/{user_id}"


def empty_figure() -> go.Figure:
    return go.Figure(layout=go.Layout(template="none"))


class AdminDashboardState(AdminCheckinsPart, SessionState):
    """The dashboard's figures (empty for anyone but an admin)."""

    loaded: bool = False
    start_month: str = ""
    end_month: str = ""
    range_error: str = ""
    stats: list[StatView] = []
    visits_figure: go.Figure = empty_figure()
    visits_table: ChartTable = ChartTable(headers=[], rows=[])
    registrations_figure: go.Figure = empty_figure()
    registrations_table: ChartTable = ChartTable(headers=[], rows=[])
    requests_figure: go.Figure = empty_figure()
    requests_table: ChartTable = ChartTable(headers=[], rows=[])
    active_figure: go.Figure = empty_figure()
    active_table: ChartTable = ChartTable(headers=[], rows=[])
    goals_figure: go.Figure = empty_figure()
    goals_table: ChartTable = ChartTable(headers=[], rows=[])
    funnel_figure: go.Figure = empty_figure()
    funnel_table: ChartTable = ChartTable(headers=[], rows=[])
    answer_time: str = ""
    quiet_pairs: list[PairView] = []
    quiet_total: int = 0
    expiring: list[PairView] = []
    expiring_total: int = 0
    open_reports: list[ReportLinkView] = []
    open_reports_total: int = 0

    def _clear(self) -> None:
        self.loaded = False
        self.stats, self.quiet_pairs, self.expiring, self.open_reports = [], [], [], []
        self.quiet_total = self.expiring_total = self.open_reports_total = 0
        self.checkin_pairs, self.checkin_pairs_total, self.checkin_weeks = [], 0, 0
        empty_table = ChartTable(headers=[], rows=[])
        for name in ("visits", "registrations", "requests", "active", "goals", "funnel"):
            setattr(self, f"{name}_figure", empty_figure())
            setattr(self, f"{name}_table", empty_table)
        self.answer_time = ""

    def _range(self) -> tuple[date, date]:
        """The months asked for in the URL, or the last 12 months."""
        start, end, self.range_error = months_from_url(self.router.url.query_parameters, utcnow().date())
        return start, end

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        start, end = self._range()
        self.start_month, self.end_month = month_key(start), month_key(end)
        try:
            figures = await call(_gather, actor=user, start=start, end=end)
        except ValidationFailed as invalid:
            self._clear()
            self.range_error = invalid.errors.get("range", invalid.message)
            return
        except ServiceError:
            self._clear()
            return
        self._show(figures)

    def _show(self, f: _Figures) -> None:
        s = f.summary
        change = (
            "no visits last month"
            if s.visits_change_percent is None
            else f"{s.visits_change_percent:+.1f}% on last month"
        )
        self.stats = [
            StatView(label="Mentors", value=str(s.mentors), note="active, mentoring only"),
            StatView(label="Mentees", value=str(s.mentees), note="active, mentees only"),
            StatView(label="Both roles", value=str(s.both), note=""),
            StatView(label="Admins", value=str(s.admins), note=f"{s.deactivated} deactivated members"),
            StatView(label="Active relationships", value=str(s.active_relationships), note=""),
            StatView(label="Pending requests", value=str(s.pending_requests), note=""),
            StatView(label="Visits this month", value=str(s.visits_this_month), note=change),
            StatView(label="Visits last month", value=str(s.visits_last_month), note=""),
        ]
        self.visits_figure = _bars(f.visits, ("logged_in", "anonymous"), stacked=True, selector=True)
        self.visits_table = _table(f.visits)
        self.registrations_figure = _bars(f.registrations, ("mentors", "mentees", "both"))
        self.registrations_table = _table(f.registrations)
        self.requests_figure = _lines(f.requests)
        self.requests_table = _table(f.requests)
        self.active_figure = _lines(f.active)
        self.active_table = _table(f.active)
        self.goals_figure = _bars(f.goals, ("set", "achieved"))
        self.goals_table = _table(f.goals)
        self.funnel_figure = _funnel_figure(f.funnel)
        self.funnel_table = _funnel_table(f.funnel)
        self.answer_time = _answer_text(f.answer)
        tz = self.time_zone
        a = f.attention
        self.quiet_pairs = [
            PairView(
                relationship_id=p.relationship_id,
                mentee=p.mentee_name,
                mentee_url=_member_url(p.mentee_id),
                mentor=p.mentor_name,
                mentor_url=_member_url(p.mentor_id),
                when=timefmt.show(p.last_activity_at, tz, timefmt.DAY),
                detail=f"quiet for {p.days_quiet} days",
            )
            for p in a.quiet_pairs
        ]
        self.quiet_total = a.quiet_pairs_total
        self.expiring = [
            PairView(
                relationship_id=r.relationship_id,
                mentee=r.mentee_name,
                mentee_url=_member_url(r.mentee_id),
                mentor=r.mentor_name,
                mentor_url=_member_url(r.mentor_id),
                when=timefmt.show(r.sent_at, tz, timefmt.DAY),
                detail="expires " + timefmt.show(r.expires_at, tz, timefmt.MOMENT),
            )
            for r in a.expiring_requests
        ]
        self.expiring_total = a.expiring_requests_total
        self.open_reports = [
            ReportLinkView(
                id=r.report_id,
                text=f"{r.reporter_name} reported "
                + ("a message from " if r.about_message else "")
                + r.subject_name,
                when=timefmt.show(r.created_at, tz, timefmt.DAY),
                url=f"{routes.ADMIN_REPORTS}?report={r.report_id}",
            )
            for r in a.open_reports
        ]
        self.open_reports_total = a.open_reports_total
        self._show_checkins(f.checkins, f.checkin_weeks)
        self.loaded = True

    @rx.event
    async def choose_range(self, form: FormData):
        """Put the chosen months in the URL; loading that URL draws the charts."""
        if await self._current_member() is None:
            return self._login_redirect()
        start, end = parse_month(form.get("from")), parse_month(form.get("to"))
        if start is None or end is None:
            self.range_error = "Choose a month in both From and To."
            return None
        if end < start:
            self.range_error = "The end of the range is before its start."
            return None
        return rx.redirect(f"{routes.ADMIN}?from={month_key(start)}&to={month_key(end)}")

    @rx.event
    async def download_visits(self):
        """The visits of the months on screen, as CSV."""
        user = await self._current_member()
        start, end = parse_month(self.start_month), parse_month(self.end_month)
        if start is None or end is None:
            return rx.toast.error("Choose the months first.")
        try:
            data = await call(exports.visits_by_month_csv, actor=user, start=start, end=end)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        return rx.download(data=data, filename=f"visits-{self.start_month}-to-{self.end_month}.csv")
