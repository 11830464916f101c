"""Reflex configuration, derived from the application's settings (see mentoring_app/settings.py).

Reflex reads only REFLEX_-prefixed variables, so DATABASE_URL / REDIS_URL / APP_URL are mapped here.
"""

import os

import reflex as rx

from mentoring_app import style
from mentoring_app.settings import get_settings
from mentoring_app.web.lean_bundle import LeanBundle
from mentoring_app.web.paint_first import PaintFirst
from mentoring_app.web.shell_chunk import ShellChunk

settings = get_settings()

# Reflex serves the production backend with Granian and reads its worker count from GRANIAN_WORKERS
# (reflex/utils/exec.py, run_granian_backend_prod); unset, it starts 2 x cores + 1 workers in Redis
# mode, which fight over the cores (each event is CPU-bound). WORKERS (default: the cores) decides
# instead. Without Redis each tab's state lives in one process's memory, so exactly one worker.
os.environ["GRANIAN_WORKERS"] = str(settings.workers if settings.redis_url else 1)
# In Redis mode a worker that holds a tab's lock keeps its state in memory between that tab's events
# and writes it to Redis when the lease ends (half the lock expiry, 5 s), at shutdown, or at once
# when another worker asks for the tab: Reflex's opportunistic lock. Without it every event reads
# and writes the whole state tree (measured: 15.1 -> 11.8 ms of CPU per search, p95 212 -> 91 ms).
if settings.redis_url:
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")

config = rx.Config(
    app_name="mentoring_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The browser talks to the backend on the app's own origin only.
    api_url=settings.app_url,
    deploy_url=settings.app_url,
    cors_allowed_origins=list(settings.allowed_origins),
    redis_url=settings.redis_url or None,
    # In-process state by default; Redis (shared by several workers) when REDIS_URL is set.
    state_manager_mode="redis" if settings.redis_url else "memory",
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color=style.ACCENT, gray_color=style.GRAY, radius="medium", appearance="light"
            )
        ),
        # Prerendered pages paint before their scripts are fetched (mentoring_app/web/paint_first.py).
        PaintFirst(),
        # No page loads the Radix Themes components it does not use (mentoring_app/web/lean_bundle.py).
        LeanBundle(),
        # The code every page runs arrives in one file (mentoring_app/web/shell_chunk.py).
        ShellChunk(),
    ],
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
    # Radix Themes' whole namespace is imported on every page only for rx.dynamic components, which
    # the app has none of: load it on first use instead (a smaller bundle before the first paint).
    frontend_lazy_bundled_libraries=True,
    # Brotli for browsers that take it (about a fifth smaller than gzip), gzip for the rest.
    frontend_compression_formats=["brotli", "gzip"],
)
