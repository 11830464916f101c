"""Admin: the Outcomes page (did mentoring work?) over a range of months kept in the URL
(``?from=2025-01&to=2025-12``), and the audited view of one relationship's written answers.

The Outcomes page holds only aggregates and the Plotly figures drawn from them, plus which
relationships have written answers (not the answers). The answers view reads one relationship's
answers, free text included, and every reading is written to the audit log by the service.
Anyone but an admin gets nothing: the services refuse them.
"""

from __future__ import annotations

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
from mentoring_app.services.mentoring.outcome_survey import SATISFACTION
from mentoring_app.services.staff import outcome_answers, outcomes
from mentoring_app.state.admin_dashboard import (
    ChartTable,
    StatView,
    chart_layout,
    empty_figure,
    month_key,
    month_label,
    months_from_url,
    parse_month,
)
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import id_from_path
from mentoring_app.state.session import SessionState

SIDES = (("mentees", "Mentees' answers"), ("mentors", "Mentors' answers"))


class WrittenView(TypedDict):
    relationship_id: int
    text: str
    url: str


class AnswerView(TypedDict):
    who: str
    when: str
    goals: str
    satisfaction: str
    recommend: str
    helped_most: str


@dataclass(frozen=True)
class _Figures:
    survey: outcomes.SurveyOutcomes
    first_meeting: outcomes.Durations
    length: outcomes.Durations
    checkins: outcomes.CheckinScores
    written: tuple[list[outcome_answers.WrittenAnswers], int]


def _gather(session: Session, *, actor: User | None, start: date, end: date) -> _Figures:
    """Every figure of the page, each from its service (which checks the actor is an admin)."""
    args = {"actor": actor, "start": start, "end": end}
    return _Figures(
        survey=outcomes.survey_outcomes(session, **args),
        first_meeting=outcomes.time_to_first_meeting(session, **args),
        length=outcomes.relationship_length(session, **args),
        checkins=outcomes.checkin_scores(session, **args),
        written=outcome_answers.with_written_answers(session, **args),
    )


def _score(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _nps(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}"


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g} days"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _grouped(
    categories: list[str], series: list[tuple[str, list[int]]], *, stacked: bool = False
) -> go.Figure:
    return go.Figure(
        [
            go.Bar(x=categories, y=values, name=name, hovertemplate="%{y}<extra>%{fullData.name}</extra>")
            for name, values in series
        ],
        layout=chart_layout(
            barmode="stack" if stacked else "group", yaxis={"rangemode": "tozero"}, hovermode="closest"
        ),
    )


def _satisfaction(s: outcomes.SurveyOutcomes) -> tuple[go.Figure, ChartTable]:
    labels = [f"{n} · {label}" for n, label in SATISFACTION.items()]
    sides = (s.mentees, s.mentors)
    figure = _grouped(
        labels, [(name, list(side.satisfaction)) for (_, name), side in zip(SIDES, sides, strict=True)]
    )
    rows = [[label, *(str(side.satisfaction[i]) for side in sides)] for i, label in enumerate(labels)]
    rows.append(["Average (1 to 5)", *(_score(side.satisfaction_average, 2) for side in sides)])
    return figure, ChartTable(headers=["Satisfaction", *(name for _, name in SIDES)], rows=rows)


def _nps_chart(s: outcomes.SurveyOutcomes) -> tuple[go.Figure, ChartTable]:
    groups = [
        ("About mentors (mentees' answers)", s.mentees),
        ("About mentees (mentors' answers)", s.mentors),
    ]
    names = [g for g, _ in groups]
    figure = _grouped(
        names,
        [
            ("Promoters (9-10)", [side.promoters for _, side in groups]),
            ("Passives (7-8)", [side.passives for _, side in groups]),
            ("Detractors (0-6)", [side.detractors for _, side in groups]),
        ],
        stacked=True,
    )
    return figure, ChartTable(
        headers=["Recommendation", "Answers", "Promoters", "Passives", "Detractors", "Net promoter score"],
        rows=[
            [
                g,
                str(side.answered),
                str(side.promoters),
                str(side.passives),
                str(side.detractors),
                _nps(side.nps),
            ]
            for g, side in groups
        ],
    )


def _goals(s: outcomes.SurveyOutcomes) -> tuple[go.Figure, ChartTable]:
    labels = ["Yes, fully", "Partly", "Not really"]
    sides = (s.mentees, s.mentors)
    counts = [[side.goals_fully, side.goals_partly, side.goals_not] for side in sides]
    figure = _grouped(labels, [(name, c) for (_, name), c in zip(SIDES, counts, strict=True)])
    rows = [[label, *(str(c[i]) for c in counts)] for i, label in enumerate(labels)]
    rows.append(["Achieved fully", *(_share(side.goals_rate) for side in sides)])
    rows.append(["Achieved at least partly", *(_share(side.goals_at_least_partly) for side in sides)])
    return figure, ChartTable(headers=["Goals achieved", *(name for _, name in SIDES)], rows=rows)


def _durations(found: outcomes.Durations, *, without: str = "") -> tuple[go.Figure, ChartTable]:
    buckets = list(found.buckets) + ([(without, found.without)] if without else [])
    figure = _grouped([b for b, _ in buckets], [("Relationships", [n for _, n in buckets])])
    rows = [[label, str(n)] for label, n in buckets]
    rows.append(["Median", _days(found.median_days)])
    return figure, ChartTable(headers=["Days", "Relationships"], rows=rows)


def _checkins(scores: outcomes.CheckinScores) -> tuple[go.Figure, ChartTable]:
    figure = go.Figure(
        go.Scatter(
            x=list(scores.months),
            y=list(scores.averages),
            name="Average check-in score",
            mode="lines+markers",
            connectgaps=False,
            hovertemplate="%{y}<extra>%{fullData.name}</extra>",
        ),
        layout=chart_layout(
            xaxis={
                "type": "date",
                "tickformat": "%b %Y",
                "dtick": "M1" if len(scores.months) <= 12 else "M3",
            },
            yaxis={"range": [0.8, 5.2], "dtick": 1},
            showlegend=False,
        ),
    )
    rows = [
        [month_label(month), str(n), "n/a" if avg is None else f"{avg:.2f}"]
        for month, n, avg in zip(scores.months, scores.answered, scores.averages, strict=True)
    ]
    return figure, ChartTable(headers=["Month", "Check-ins answered", "Average score (1 to 5)"], rows=rows)


EMPTY = ChartTable(headers=[], rows=[])
CHARTS = ("satisfaction", "nps", "goals", "first_meeting", "length", "checkins")


class AdminOutcomesState(SessionState):
    """The Outcomes page's figures (empty for anyone but an admin)."""

    loaded: bool = False
    start_month: str = ""
    end_month: str = ""
    range_error: str = ""
    stats: list[StatView] = []
    satisfaction_figure: go.Figure = empty_figure()
    satisfaction_table: ChartTable = EMPTY
    nps_figure: go.Figure = empty_figure()
    nps_table: ChartTable = EMPTY
    goals_figure: go.Figure = empty_figure()
    goals_table: ChartTable = EMPTY
    first_meeting_figure: go.Figure = empty_figure()
    first_meeting_table: ChartTable = EMPTY
    length_figure: go.Figure = empty_figure()
    length_table: ChartTable = EMPTY
    checkins_figure: go.Figure = empty_figure()
    checkins_table: ChartTable = EMPTY
    written: list[WrittenView] = []
    written_total: int = 0

    def _clear(self) -> None:
        self.loaded, self.stats, self.written, self.written_total = False, [], [], 0
        for name in CHARTS:
            setattr(self, f"{name}_figure", empty_figure())
            setattr(self, f"{name}_table", EMPTY)

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
        s = f.survey
        self.stats = [
            StatView(label="Relationships finished", value=str(s.finished), note="ended or withdrawn"),
            StatView(
                label="Mentors' net promoter score",
                value=_nps(s.mentees.nps),
                note=f"{s.mentees.answered} answers by mentees",
            ),
            StatView(
                label="Mentees' net promoter score",
                value=_nps(s.mentors.nps),
                note=f"{s.mentors.answered} answers by mentors",
            ),
            StatView(
                label="Average satisfaction",
                value=_score(s.mentees.satisfaction_average, 1),
                note=f"mentees; mentors {_score(s.mentors.satisfaction_average, 1)} (1 to 5)",
            ),
            StatView(
                label="Goals achieved fully",
                value=_share(s.mentees.goals_rate),
                note=f"mentees; at least partly {_share(s.mentees.goals_at_least_partly)}",
            ),
            StatView(
                label="First meeting after",
                value=_days(f.first_meeting.median_days),
                note="median, from acceptance",
            ),
            StatView(
                label="Relationship length",
                value=_days(f.length.median_days),
                note="median, finished relationships",
            ),
            StatView(
                label="Surveys skipped",
                value=str(s.mentees.skipped + s.mentors.skipped),
                note="not answered since",
            ),
        ]
        self.satisfaction_figure, self.satisfaction_table = _satisfaction(s)
        self.nps_figure, self.nps_table = _nps_chart(s)
        self.goals_figure, self.goals_table = _goals(s)
        self.first_meeting_figure, self.first_meeting_table = _durations(
            f.first_meeting, without="No meeting logged yet"
        )
        self.length_figure, self.length_table = _durations(f.length)
        self.checkins_figure, self.checkins_table = _checkins(f.checkins)
        listed, self.written_total = f.written
        tz = self.time_zone
        self.written = [
            WrittenView(
                relationship_id=w.relationship_id,
                text=f"{w.mentee_name} (mentee) and {w.mentor_name} (mentor), finished "
                f"{timefmt.show(w.ended_at, tz, timefmt.DAY)}: "
                f"{w.written} written answer{'s' * (w.written != 1)}",
                url=f"{routes.ADMIN_OUTCOMES}/{w.relationship_id}",
            )
            for w in listed
        ]
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
        return rx.redirect(f"{routes.ADMIN_OUTCOMES}?from={month_key(start)}&to={month_key(end)}")

    @rx.event
    async def download_outcomes(self):
        """The figures of the months on screen, as CSV (no written answers)."""
        user = await self._current_member()
        start, end = parse_month(self.start_month), parse_month(self.end_month)
        if start is None or end is None:
            return rx.toast.error("Choose the months first.")
        try:
            data = await call(outcome_answers.outcomes_csv, actor=user, start=start, end=end)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        return rx.download(data=data, filename=f"outcomes-{self.start_month}-to-{self.end_month}.csv")


class AdminOutcomeAnswersState(SessionState):
    """One finished relationship's survey answers, free text included; each opening is audited."""

    loaded: bool = False
    found: bool = False
    title: str = ""
    answers: list[AnswerView] = []

    @rx.event
    async def load(self) -> None:
        self.loaded, self.found, self.title, self.answers = False, False, "", []
        user = await self._current_member()
        try:
            seen = await call(
                outcome_answers.read_answers, actor=user, relationship_id=id_from_path(self.router.url.path)
            )
        except ServiceError:
            self.loaded = True
            return
        tz = self.time_zone
        self.title = (
            f"{seen.mentee_name} (mentee) and {seen.mentor_name} (mentor), "
            f"{seen.status} {timefmt.show(seen.ended_at, tz, timefmt.DAY)}"
        )
        self.answers = [
            AnswerView(
                who=f"{a.name} ({a.role})",
                when="Skipped the survey"
                if a.skipped
                else "Answered " + timefmt.show(a.answered_at, tz, timefmt.DAY),
                goals=a.goals,
                satisfaction=a.satisfaction,
                recommend=a.recommend,
                helped_most=a.helped_most,
            )
            for a in seen.answers
        ]
        self.loaded = self.found = True
