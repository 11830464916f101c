"""Serve one app instance from a production build made earlier: ``python -m mentoring_app.serve PORT``.

`reflex run --env prod` compiles the app and builds the frontend every time it starts (a minute or
more on two cores), and `--backend-only` does not serve the built pages. Behind a proxy every
instance must serve both, from the same build, so `make cluster` builds once (`reflex export
--frontend-only --no-zip` into REFLEX_WEB_WORKDIR) and starts each instance here: what `reflex run
--env prod` does after its build (reflex/reflex.py ``_run_prod``), with the build mounted on the
backend's port (Granian, GRANIAN_WORKERS workers: see rxconfig.py).
"""

from __future__ import annotations

import argparse

from reflex.utils import exec as reflex_exec
from reflex.utils import prerequisites
from reflex_base import constants
from reflex_base.config import get_config
from reflex_base.environment import environment


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Run the backend with the existing frontend build on ``host:port`` until stopped."""
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_COMPILE_CONTEXT.set(constants.CompileContext.RUN)
    environment.REFLEX_SKIP_COMPILE.set(True)  # the build is done; never rebuild in an instance
    static = prerequisites.get_web_dir() / constants.Dirs.STATIC
    if not static.is_dir():
        raise SystemExit(f"no frontend build in {static}: run `reflex export --frontend-only --no-zip`")
    config = get_config()
    config._set_persistent(frontend_port=port, backend_port=port)
    reflex_exec.run_backend_prod(
        host, port, config.loglevel.subprocess_level(), mount_frontend_compiled_app=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m mentoring_app.serve", description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    serve(args.port, args.host)


if __name__ == "__main__":
    main()
