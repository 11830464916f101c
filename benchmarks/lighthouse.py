"""Page speed: Lighthouse (default mobile profile) on the production build with the demo data.

Starts the app as the browser tests do (``reflex run --env prod`` on a free port, a fresh SQLite
database with the demo data), opens a log-in session for the demo mentee with the same service the
log-in form uses, then runs Lighthouse RUNS times on each page and prints the median of each figure
against the targets: performance >= 0.9, LCP <= 2.5 s, CLS <= 0.1, accessibility 1.0. Member pages
get the session as a ``Cookie`` header (``--extra-headers``), which reaches the page and the
websocket's handshake. Then the JavaScript each page downloads (gzipped bytes, Playwright).

Lighthouse's default mobile profile *simulates* a slow 4G network and a 4x slower CPU from one
real load, so the machine's own load moves the figures less than a real-time measurement, but
not to zero: the median of RUNS runs is what we report. Run with ``make lighthouse``, or
``python -m benchmarks.lighthouse --base-url URL --session KEY`` against an app already running.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from mentoring_app.settings import PROJECT_ROOT
from mentoring_app.web.cookies import SESSION_COOKIE

RUNS = 3
ATTEMPTS = 3
PUBLIC_PAGES = ["/", "/login"]
MEMBER_PAGES = ["/home", "/find-mentor"]
DEMO_MEMBER = "mentee@example.org"
DEMO_ADMIN = "admin@example.org"
CHROME_FLAGS = (
    "--no-sandbox --headless=new --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
TARGETS = {"performance": 0.9, "lcp_s": 2.5, "cls": 0.1, "accessibility": 1.0}


@dataclass(frozen=True)
class Scores:
    """One Lighthouse run's figures for one page."""

    performance: float
    accessibility: float
    fcp_s: float
    lcp_s: float
    cls: float
    tbt_ms: float

    @classmethod
    def from_report(cls, report: dict) -> Scores:
        audits, categories = report["audits"], report["categories"]
        return cls(
            performance=categories["performance"]["score"],
            accessibility=categories["accessibility"]["score"],
            fcp_s=audits["first-contentful-paint"]["numericValue"] / 1000,
            lcp_s=audits["largest-contentful-paint"]["numericValue"] / 1000,
            cls=audits["cumulative-layout-shift"]["numericValue"],
            tbt_ms=audits["total-blocking-time"]["numericValue"],
        )


def median_scores(runs: list[Scores]) -> Scores:
    """Each figure's median over the runs (figure by figure, as a noisy machine calls for)."""
    return Scores(*(statistics.median(getattr(r, f) for r in runs) for f in Scores.__dataclass_fields__))


def lighthouse_binary() -> str:
    """LIGHTHOUSE from the environment (the Makefile sets it), else the project's install."""
    return os.environ.get("LIGHTHOUSE") or str(
        PROJECT_ROOT / ".tools/lighthouse/node_modules/.bin/lighthouse"
    )


def run_lighthouse(url: str, *, cookie: str = "", folder: Path) -> Scores:
    """One Lighthouse run (performance and accessibility only) in Debian's Chromium."""
    report = folder / "report.json"
    command = [
        lighthouse_binary(),
        url,
        "--quiet",
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")}
    # Lighthouse now and then loses its own trace of a load (NO_NAVSTART, NO_FCP: "Please run
    # Lighthouse again"); such a run is run again, up to ATTEMPTS times, and any other failure says why.
    for attempt in range(1, ATTEMPTS + 1):
        done = subprocess.run(command, env=env, timeout=300, capture_output=True, text=True)  # noqa: S603
        if done.returncode == 0:
            return Scores.from_report(json.loads(report.read_text()))
        if "run Lighthouse again" not in done.stderr or attempt == ATTEMPTS:
            raise RuntimeError(f"Lighthouse failed on {url} ({done.returncode}):\n{done.stderr[-3000:]}")
        print(f"  (Lighthouse lost its trace of {url}; running it again)", flush=True)
    raise AssertionError("unreachable")


def meets_targets(scores: Scores) -> bool:
    return (
        scores.performance >= TARGETS["performance"]
        and scores.lcp_s <= TARGETS["lcp_s"]
        and scores.cls <= TARGETS["cls"]
        and scores.accessibility >= TARGETS["accessibility"]
    )


def print_row(path: str, scores: Scores, runs: list[Scores]) -> None:
    spread = ", ".join(f"{r.performance:.2f}" for r in runs)
    print(
        f"{path:13} {scores.performance:5.2f} {scores.fcp_s:6.2f} {scores.lcp_s:6.2f} {scores.cls:6.3f}"
        f" {scores.tbt_ms:7.0f} {scores.accessibility:6.2f}  {'ok' if meets_targets(scores) else 'MISS':4}"
        f"  (performance per run: {spread})"
    )


def lighthouse_table(base_url: str, member_key: str, runs: int) -> bool:
    """Lighthouse RUNS times per page; prints medians; True when every page meets the targets."""
    print(f"Lighthouse, mobile, median of {runs} runs ({os.cpu_count()} cores, load {_load()}):")
    print(f"{'page':13} {'perf':>5} {'FCP s':>6} {'LCP s':>6} {'CLS':>6} {'TBT ms':>7} {'a11y':>6}")
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for path in PUBLIC_PAGES + MEMBER_PAGES:
            cookie = f"{SESSION_COOKIE}={member_key}" if path in MEMBER_PAGES else ""
            results = [
                run_lighthouse(base_url + path, cookie=cookie, folder=Path(folder)) for _ in range(runs)
            ]
            scores = median_scores(results)
            ok &= meets_targets(scores)
            print_row(path, scores, results)
    return ok


def script_table(base_url: str, member_key: str, admin_key: str) -> None:
    """Gzipped JavaScript bytes each page downloads from an empty cache, Plotly's share apart."""
    from playwright.sync_api import sync_playwright

    from benchmarks.page_weight import measure
    from tests.harness import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = measure(browser, base_url, PUBLIC_PAGES)
        pages += measure(browser, base_url, MEMBER_PAGES, cookie=(SESSION_COOKIE, member_key))
        if admin_key:
            pages += measure(
                browser,
                base_url,
                ["/admin"],
                cookie=(SESSION_COOKIE, admin_key),
                ready={"/admin": ".js-plotly-plot"},
            )
        browser.close()
    print("\nJavaScript downloaded per page (bytes over the wire, empty cache):")
    for page in pages:
        plotly = sum(page.matching("plotly").values())
        files = len(page.scripts)
        print(f"{page.path:13} {page.total / 1024:7.1f} KB, {files:2} files (Plotly {plotly / 1024:.1f} KB)")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


@contextmanager
def demo_app() -> Iterator[tuple[str, str, str]]:
    """The production build on a fresh demo database: (base URL, member session, admin session)."""
    from mentoring_app.db import make_engine
    from mentoring_app.demo import load_demo_data
    from mentoring_app.migrations import upgrade_to_head
    from mentoring_app.models import User
    from mentoring_app.services.accounts import auth
    from tests.harness import start_app, storing_uploads_for

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        upgrade_to_head(database_url)
        engine = make_engine(database_url)
        with storing_uploads_for(Path(folder)), Session(engine) as db:
            load_demo_data(db)
            keys = [
                auth.open_session(db, user_id=db.exec(select(User).where(User.email == email)).one().id)
                for email in (DEMO_MEMBER, DEMO_ADMIN)
            ]
        engine.dispose()
        print("Building and starting the production app (a minute or two)...", flush=True)
        app = start_app(Path(folder), database_url=database_url)
        running = next(app)
        try:
            yield running.base_url, keys[0], keys[1]
        finally:
            app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--base-url", help="an app already running (then --session is required)")
    parser.add_argument("--session", help="a log-in session key for the member pages")
    parser.add_argument("--admin-session", default="", help="an admin's session key (for /admin's scripts)")
    args = parser.parse_args(argv)
    if args.base_url:
        ok = lighthouse_table(args.base_url, args.session, args.runs)
        script_table(args.base_url, args.session, args.admin_session)
    else:
        with demo_app() as (base_url, member_key, admin_key):
            ok = lighthouse_table(base_url, member_key, args.runs)
            script_table(base_url, member_key, admin_key)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
