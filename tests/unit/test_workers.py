"""Worker count follows the cores: never more backend workers than cores unless WORKERS says so."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mentoring_app.settings import PROJECT_ROOT, Settings, cpu_count


def _granian_workers(**env: str) -> str:
    """GRANIAN_WORKERS as rxconfig.py sets it for Reflex, in a fresh process with ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in {"WORKERS", "REDIS_URL", "GRANIAN_WORKERS"}}
    done = subprocess.run(
        [sys.executable, "-c", "import os, rxconfig; print(os.environ['GRANIAN_WORKERS'])"],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_workers_default_to_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKERS", raising=False)
    assert Settings.from_env().workers == cpu_count() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("WORKERS", "3")
    assert Settings.from_env().workers == 3
    monkeypatch.setenv("WORKERS", "0")
    assert Settings.from_env().workers == 1


def test_reflex_gets_the_worker_count_only_with_redis() -> None:
    assert _granian_workers(REDIS_URL="redis://127.0.0.1:6379/12") == str(cpu_count())
    assert _granian_workers(REDIS_URL="redis://127.0.0.1:6379/12", WORKERS="3") == "3"
    # In-process state cannot be shared: one worker, whatever WORKERS says.
    assert _granian_workers(WORKERS="4") == "1"
