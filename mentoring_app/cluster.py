"""The production layout on one machine: ``python -m mentoring_app.cluster start|stop``.

HAProxy on one port in front of N app instances on their own ports, sharing PostgreSQL (a
database of the cluster's own, created and migrated) and Redis (a database index of its own).
`make cluster` / `make cluster-stop` and the cluster tests (tests/e2e/test_cluster.py) use this
module, so what the tests prove is what the command starts.

The frontend is built once (`reflex export --frontend-only --no-zip`, with the proxy's address as
APP_URL, into REFLEX_WEB_WORKDIR) and every instance serves that build (mentoring_app/serve.py):
starting an instance then takes seconds instead of a build each. Every process runs in its own
process group with a pid file under the state folder (var/cluster/), so `stop` needs nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from mentoring_app.db import make_engine
from mentoring_app.migrations import upgrade_to_head
from mentoring_app.settings import PROJECT_ROOT, cpu_count

STATE_DIR = PROJECT_ROOT / "var" / "cluster"
PROXY_TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/mentoring_cluster"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
START_TIMEOUT = 180
BUILD_TIMEOUT = 600


class ClusterError(RuntimeError):
    """The cluster could not be started (a service missing, a process that did not come up)."""


@dataclass(frozen=True)
class ClusterConfig:
    """Where the cluster listens, what it shares, and where it keeps its files."""

    proxy_port: int = 8780
    instance_ports: tuple[int, ...] = (8781, 8782)
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    workers: int = field(default_factory=cpu_count)
    state_dir: Path = STATE_DIR
    # Settings passed to every instance as they are (SMTP, relay interval, ...).
    extra_env: Mapping[str, str] = field(default_factory=dict)
    # Stop every process when the one that started the cluster dies (tests: a killed test run
    # leaves nothing behind). `make cluster` starts it and exits, so it leaves this off.
    stop_with_starter: bool = False

    @property
    def app_url(self) -> str:
        """The one public address: every instance's APP_URL (websocket origin, cookies, links)."""
        return f"http://127.0.0.1:{self.proxy_port}"

    @property
    def instance_names(self) -> tuple[str, ...]:
        return tuple(f"app{n}" for n in range(1, len(self.instance_ports) + 1))

    @property
    def web_dir(self) -> Path:
        return self.state_dir / "web"


# ----- PostgreSQL, Redis and the proxy -----


def _run_quietly(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=60, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def postgres_ready(database_url: str) -> bool:
    parts = make_url(database_url)
    return _run_quietly("pg_isready", "-q", "-h", parts.host or "127.0.0.1", "-p", str(parts.port or 5432))


def redis_ready(redis_url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def ensure_services(config: ClusterConfig) -> None:
    """Start the local PostgreSQL and Redis when they are down (the commands .ci/run uses)."""
    if not postgres_ready(config.database_url):
        versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
        if versions:
            _run_quietly("pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start")
        if not _wait_for(lambda: postgres_ready(config.database_url), 30):
            raise ClusterError(f"PostgreSQL is not reachable for {config.database_url.split('@')[-1]}")
    if not redis_ready(config.redis_url):
        if shutil.which("redis-server"):
            for folder in ("/var/lib/redis", "/var/log/redis"):
                Path(folder).mkdir(parents=True, exist_ok=True)
            _run_quietly(
                "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                "--logfile", "/var/log/redis/ci.log",
            )  # fmt: skip
        if not _wait_for(lambda: redis_ready(config.redis_url), 30):
            raise ClusterError(f"Redis is not reachable at {config.redis_url}")


def ensure_database(database_url: str) -> None:
    """Create the cluster's PostgreSQL database when missing, then migrate it to the newest schema."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
        try:
            with admin.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
                ).first()
                if not exists:
                    connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        finally:
            admin.dispose()
    upgrade_to_head(database_url)


def proxy_binary() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None
    )
    if not found:
        raise ClusterError("haproxy is not installed (`make cluster` installs it with apt-get)")
    return found


def render_proxy_config(config: ClusterConfig) -> str:
    """deploy/haproxy.cfg with the ports and instances of this cluster filled in."""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{port} cookie {name} check"
        for name, port in zip(config.instance_names, config.instance_ports, strict=True)
    )
    return string.Template(PROXY_TEMPLATE.read_text()).substitute(
        bind_address="127.0.0.1", proxy_port=config.proxy_port, servers=servers
    )


# ----- Processes -----


def instance_env(config: ClusterConfig, port: int) -> dict[str, str]:
    """The environment of one instance (and of the build): the proxy's address is APP_URL."""
    bun_dir = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    return {
        **os.environ,
        "PORT": str(port),
        "APP_URL": config.app_url,
        "DATABASE_URL": config.database_url,
        "REDIS_URL": config.redis_url,
        "WORKERS": str(config.workers),
        "TRUSTED_PROXIES": "127.0.0.1",
        "REFLEX_WEB_WORKDIR": str(config.web_dir),
        "REFLEX_UPLOADED_FILES_DIR": os.environ.get(
            "REFLEX_UPLOADED_FILES_DIR", str(config.state_dir / "uploads")
        ),
        "PATH": f"{bun_dir}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
        **config.extra_env,
    }


# Runs ``argv[2:]`` with SIGTERM promised on the death of process ``argv[1]`` (Linux prctl
# PR_SET_PDEATHSIG, kept across exec), unless that process is already gone.
STOP_WITH_STARTER = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)\n"
    "os.getppid() == int(sys.argv[1]) or sys.exit(0)\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


def _spawn(config: ClusterConfig, name: str, command: list[str], env: Mapping[str, str]) -> int:
    """Start a process in its own group, logging to <name>.log; its pid goes to <name>.pid."""
    if config.stop_with_starter:
        command = [sys.executable, "-c", STOP_WITH_STARTER, str(os.getpid()), *command]
    log_path = config.state_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (config.state_dir / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child of ours that exited stays a zombie until reaped: reap it when we can.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own loopback ports
            return response.status == 200
    except OSError:
        return False


def build_frontend(config: ClusterConfig) -> None:
    """Compile the app and build the frontend once, for every instance to serve."""
    log_path = config.state_dir / "build.log"
    with log_path.open("wb") as log:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "reflex"), "export", "--frontend-only", "--no-zip"],
            cwd=PROJECT_ROOT,
            env=instance_env(config, config.proxy_port),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        raise ClusterError(f"the frontend build failed:\n{log_path.read_text()[-3000:]}")


def start_instance(config: ClusterConfig, name: str) -> None:
    """Start one instance (or start it again after it was stopped) and wait until it answers."""
    port = dict(zip(config.instance_names, config.instance_ports, strict=True))[name]
    pid = _spawn(
        config,
        name,
        [sys.executable, "-m", "mentoring_app.serve", str(port)],
        instance_env(config, port),
    )
    if not _wait_for(lambda: _http_ok(f"http://127.0.0.1:{port}/ping") or not _alive(pid), START_TIMEOUT):
        raise ClusterError(f"{name} did not answer on port {port}")
    if not _alive(pid):
        log = (config.state_dir / f"{name}.log").read_text()[-3000:]
        raise ClusterError(f"{name} exited at start:\n{log}")


def proxy_routes_to(config: ClusterConfig, name: str) -> bool:
    """Whether the proxy sends a browser pinned to ``name`` there (it re-pins it elsewhere while
    its health checks still count that instance as down)."""
    pinned = {"Cookie": f"mentoring_instance={name}"}
    request = urllib.request.Request(config.app_url + "/ping", headers=pinned)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - our own loopback port
            moved = "mentoring_instance" in (response.headers["Set-Cookie"] or "")
            return response.status == 200 and not moved
    except OSError:
        return False


def wait_until_routed(config: ClusterConfig, name: str, seconds: float = 30) -> None:
    """After restarting an instance, wait until the proxy has taken it back."""
    if not _wait_for(lambda: proxy_routes_to(config, name), seconds):
        raise ClusterError(f"the proxy did not take {name} back")


def start_proxy(config: ClusterConfig) -> None:
    """Run HAProxy in the foreground of its own process group (logs on stdout, to haproxy.log)."""
    haproxy = proxy_binary()
    path = config.state_dir / "haproxy.cfg"
    path.write_text(render_proxy_config(config))
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(path)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ClusterError(f"haproxy refused {path}: {checked.stderr or checked.stdout}")
    pid = _spawn(config, "haproxy", [haproxy, "-db", "-f", str(path)], os.environ)
    if not _wait_for(lambda: _http_ok(config.app_url + "/ping") or not _alive(pid), 30):
        raise ClusterError("haproxy did not start")
    if not _alive(pid):
        raise ClusterError(f"haproxy exited:\n{(config.state_dir / 'haproxy.log').read_text()[-2000:]}")


def _group_alive(pid: int) -> bool:
    """Whether any process of the group led by ``pid`` is still running."""
    _alive(pid)  # reap the leader if it is our child, so a zombie does not count
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process(state_dir: Path, name: str, *, crash: bool = False) -> None:
    """Stop the process recorded in <name>.pid and every process it started; drop the pid file.

    A stop is a SIGTERM to the main process, which lets Granian end its workers cleanly: they close
    their sockets, drop their socket records and release the state locks they hold. Only what is
    still running after 20 s is killed (a worker killed holding a tab's lock would make that tab's
    next event wait for the lock to expire). ``crash`` kills the whole group at once instead, as a
    lost machine would.
    """
    pid_file = state_dir / f"{name}.pid"
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError):
        if crash:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGTERM)
            _wait_for(lambda: not _group_alive(pid), 20)
            os.killpg(pid, signal.SIGKILL)  # whatever did not stop in time
    _wait_for(lambda: not _group_alive(pid), 5)
    pid_file.unlink(missing_ok=True)


def start(config: ClusterConfig, *, demo_data: bool = False) -> None:
    """Services, database, one build, the instances, then the proxy; stops what started on failure."""
    config.state_dir.mkdir(parents=True, exist_ok=True)
    stop(config.state_dir)
    proxy_binary()
    ensure_services(config)
    ensure_database(config.database_url)
    if demo_data:
        subprocess.run(
            [sys.executable, "-m", "mentoring_app.cli", "demo-data"],
            cwd=PROJECT_ROOT,
            env=instance_env(config, config.proxy_port),
            check=True,
        )
    build_frontend(config)
    try:
        for name in config.instance_names:
            start_instance(config, name)
        start_proxy(config)
    except BaseException:
        stop(config.state_dir)
        raise


def stop(state_dir: Path = STATE_DIR) -> None:
    """Stop the proxy, then every instance recorded under ``state_dir``."""
    stop_process(state_dir, "haproxy")
    for pid_file in sorted(state_dir.glob("app*.pid")):
        stop_process(state_dir, pid_file.stem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mentoring_app.cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--instances", type=int, default=int(os.environ.get("INSTANCES", "2")))
    parser.add_argument("--proxy-port", type=int, default=int(os.environ.get("PROXY_PORT", "8780")))
    parser.add_argument(
        "--database-url", default=os.environ.get("CLUSTER_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("CLUSTER_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", cpu_count())))
    parser.add_argument("--demo-data", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    if args.command == "stop":
        stop()
        print("Cluster stopped.")
        return 0
    config = ClusterConfig(
        proxy_port=args.proxy_port,
        instance_ports=tuple(args.proxy_port + n for n in range(1, max(args.instances, 1) + 1)),
        database_url=args.database_url,
        redis_url=args.redis_url,
        workers=args.workers,
    )
    try:
        start(config, demo_data=args.demo_data)
    except ClusterError as error:
        print(f"Cluster not started: {error}", file=sys.stderr)
        return 1
    print(f"Cluster serving {config.app_url} (HAProxy) in front of:")
    for name, port in zip(config.instance_names, config.instance_ports, strict=True):
        print(f"  {name}  127.0.0.1:{port}  ({config.workers} workers)")
    print(f"Database {config.database_url.split('@')[-1]}, Redis {config.redis_url}")
    print(f"Logs and pid files in {config.state_dir}; stop with `make cluster-stop`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
