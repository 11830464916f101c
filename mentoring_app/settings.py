"""Every setting the application reads, in one place, with defaults that work on a laptop."""

from __future__ import annotations

import functools
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cpu_count() -> int:
    """Cores this process may run on (a container's or taskset's limit, not the host's total)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _env_networks(name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or CIDR ranges, checked now so a typo stops the start."""
    entries = tuple(part.strip() for part in os.environ.get(name, "").split(",") if part.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ValueError(f"{name}: {entry!r} is not an IP address or CIDR range") from error
    return entries


@dataclass(frozen=True)
class Settings:
    """Configuration taken from the environment (see README, "Configuration")."""

    port: int
    app_url: str
    database_url: str
    redis_url: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    mail_from: str
    mail_dir: Path
    mail_relay_interval: float
    bcrypt_rounds: int
    session_idle_minutes: int
    session_absolute_days: int
    reset_link_minutes: int
    # Log-in throttling (see services/accounts/login_throttle.py): failures counted over the window, free
    # failures per (account, address) pair, per account and per address, then doubling delays.
    login_window_minutes: int
    login_free_failures_per_pair: int
    login_free_failures_per_account: int
    login_free_failures_per_address: int
    login_first_delay_seconds: int
    login_max_delay_seconds: int
    # Reverse proxies whose X-Forwarded-For is believed (IP addresses and CIDR ranges).
    trusted_proxies: tuple[str, ...]
    verify_link_hours: int
    secure_cookies: bool
    outbox_retention_days: int
    # A new-message email waits this long, and is not sent if the member reads the message first.
    message_email_delay_seconds: int = 120
    # Overrides of the per-member limits in services/limits.py: "report=10/1d,password_reset=5/1h".
    rate_limits: str = ""
    # Backend worker processes per instance in Redis mode (one without Redis: state is in-process).
    # Each event is CPU-bound under the GIL, so more workers than cores only fight each other.
    workers: int = 1
    # Threads per worker process that run database calls. Python runs one thread at a time, so
    # more threads add no speed, only contention: at 50 busy members, 6 threads (asyncio's default)
    # made each dashboard read cost 15 ms of CPU, one or two threads 5-6 ms (benchmarks/load.py).
    db_threads: int = 2
    # Find mentor answers from an in-process index (services/matching_index); off: SQL only.
    matching_index: bool = True

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Origins the websocket accepts: the app's own, plus its loopback twin on a laptop."""
        parts = urlsplit(self.app_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        origins = [origin]
        if parts.hostname == "localhost":
            origins.append(origin.replace("localhost", "127.0.0.1", 1))
        elif parts.hostname == "127.0.0.1":
            origins.append(origin.replace("127.0.0.1", "localhost", 1))
        return tuple(origins)

    @classmethod
    def from_env(cls) -> Settings:
        port = _env_int("PORT", 3000)
        app_url = os.environ.get("APP_URL", "").strip().rstrip("/") or f"http://localhost:{port}"
        database_url = os.environ.get("DATABASE_URL", "").strip() or (
            f"sqlite:///{PROJECT_ROOT / 'var' / 'mentoring.db'}"
        )
        return cls(
            port=port,
            app_url=app_url,
            database_url=database_url,
            redis_url=os.environ.get("REDIS_URL", "").strip(),
            smtp_host=os.environ.get("SMTP_HOST", "").strip(),
            smtp_port=_env_int("SMTP_PORT", 25),
            smtp_username=os.environ.get("SMTP_USERNAME", ""),
            smtp_password=os.environ.get("SMTP_PASSWORD", ""),
            smtp_starttls=_env_bool("SMTP_STARTTLS", False),
            mail_from=os.environ.get("MAIL_FROM", "").strip() or "Mentoring <mentoring@localhost>",
            mail_dir=Path(os.environ.get("MAIL_DIR", "").strip() or PROJECT_ROOT / "var" / "mail"),
            mail_relay_interval=_env_float("MAIL_RELAY_INTERVAL", 2.0),
            bcrypt_rounds=_env_int("BCRYPT_ROUNDS", 12),
            session_idle_minutes=_env_int("SESSION_IDLE_MINUTES", 7 * 24 * 60),
            session_absolute_days=_env_int("SESSION_ABSOLUTE_DAYS", 30),
            reset_link_minutes=_env_int("RESET_LINK_MINUTES", 60),
            login_window_minutes=24 * 60,
            login_free_failures_per_pair=5,
            login_free_failures_per_account=50,
            login_free_failures_per_address=100,
            login_first_delay_seconds=2,
            login_max_delay_seconds=15 * 60,
            trusted_proxies=_env_networks("TRUSTED_PROXIES"),
            verify_link_hours=_env_int("VERIFY_LINK_HOURS", 24),
            secure_cookies=app_url.startswith("https://"),
            rate_limits=os.environ.get("RATE_LIMITS", "").strip(),
            matching_index=_env_bool("MATCHING_INDEX", True),
            outbox_retention_days=max(0, _env_int("OUTBOX_RETENTION_DAYS", 30)),
            message_email_delay_seconds=max(0, _env_int("MESSAGE_EMAIL_DELAY_SECONDS", 120)),
            workers=max(1, _env_int("WORKERS", cpu_count())),
            db_threads=max(1, _env_int("DB_THREADS", 2)),
        )


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings.from_env()
