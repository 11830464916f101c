# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun
BUN_VERSION := 1.4.4
# Lighthouse 12.2.3 is the last that runs on Node 20; in a folder of its own beside bun.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_PREFIX ?= $(TOOLS)/lighthouse
LIGHTHOUSE := $(LIGHTHOUSE_PREFIX)/node_modules/.bin/lighthouse
PORT ?= 3000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Reflex builds its frontend with the bun we install from the npm registry, and asks no other host.
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_CHECK_LATEST_VERSION := false
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup run test test-setup chromium haproxy migrate demo-data lint bench bench-admin \
	bench-load bench-live lighthouse cluster cluster-stop backup restore videos ffmpeg

help:
	@echo "make run    set everything up, migrate SQLite, load demo data, serve http://localhost:$(PORT)"
	@echo "make test   set up test needs too (Chromium included) and run every test"
	@echo "make bench  the Find mentor benchmark (10,000 and 100,000 mentors; SQLite and PostgreSQL)"
	@echo "make bench-admin  the admin dashboard benchmark (100,000 members, 1,000,000 visits), quiet and under load"
	@echo "make bench-load   simulated members over the websocket, N = 10..200 (BENCH_LOAD_ARGS to change)"
	@echo "make bench-live   N = 10, 100, 500 idle member tabs: server CPU and memory, change-to-tab delay (BENCH_LIVE_ARGS)"
	@echo "make cluster      HAProxy + INSTANCES=2 app instances on PostgreSQL and Redis (make cluster-stop)"
	@echo "make backup       copy the database of DATABASE_URL to var/backups/ (or FILE=...)"
	@echo "make restore FILE=...  put a backup back into DATABASE_URL (an empty database)"
	@echo "make lighthouse  Lighthouse (mobile) on /, /login, /home, /find-mentor; JavaScript per page"
	@echo "make videos  record the built-in how-to videos (WebM, captions, transcripts) into mentoring_app/content/videos"

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BUN):
	npm install --prefix $(TOOLS) --no-fund --no-audit --loglevel=error bun@$(BUN_VERSION)

setup: $(VENV)/.installed $(BUN)

migrate: setup
	$(PY) -m mentoring_app.cli migrate

demo-data: migrate
	$(PY) -m mentoring_app.cli demo-data

run: migrate
ifneq ($(DEMO_DATA),0)
	@$(PY) -m mentoring_app.cli demo-data
endif
	@echo "Serving the production build at $${APP_URL:-http://localhost:$(PORT)} (first build takes a minute)"
	$(VENV)/bin/reflex run --env prod --backend-port $(PORT)

chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The reverse proxy of `make cluster` and its tests: Debian's HAProxy.
haproxy:
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq haproxy; }

test-setup: setup chromium haproxy

test: test-setup
	$(VENV)/bin/ruff check mentoring_app tests alembic benchmarks rxconfig.py
	$(PY) -m pytest

bench: setup
	$(PY) -m benchmarks.matching --sizes 10000 100000 --with-load

bench-admin: setup
	$(PY) -m benchmarks.admin_dashboard --with-load 25

# e.g. make bench-load BENCH_LOAD_ARGS="--n 10,25 --seconds 15 --modes default"
bench-load: setup
	$(PY) -m benchmarks.load $(BENCH_LOAD_ARGS)

# e.g. make bench-live BENCH_LIVE_ARGS="--n 10,100 --idle 10 --modes default"
bench-live: setup
	$(PY) -m benchmarks.live $(BENCH_LIVE_ARGS)

$(LIGHTHOUSE):
	npm install --prefix $(LIGHTHOUSE_PREFIX) --no-fund --no-audit --loglevel=error -E lighthouse@$(LIGHTHOUSE_VERSION)

# Debian's Chromium, headless; three runs per page, medians printed against the targets.
lighthouse: test-setup $(LIGHTHOUSE)
	LIGHTHOUSE=$(abspath $(LIGHTHOUSE)) CHROMIUM_PATH=/usr/bin/chromium $(PY) -m benchmarks.lighthouse

# Debian's ffmpeg: Playwright's video recording runs it (its own build would be downloaded), and
# the recorder encodes the final VP9 WebM with it.
ffmpeg:
	@command -v ffmpeg >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq ffmpeg; }

# The three built-in how-to videos, recorded from the production build on demo data; commit the
# files it writes (mentoring_app/content/videos/). ONLY="slug ..." records some of them.
videos: setup chromium ffmpeg
	$(PY) -m mentoring_app.howto.record $(if $(ONLY),--only $(ONLY))

lint: setup
	$(VENV)/bin/ruff check mentoring_app tests alembic benchmarks rxconfig.py
	$(VENV)/bin/ruff format --check mentoring_app tests alembic benchmarks rxconfig.py

# The production layout on this machine: PostgreSQL and Redis (started if down), a database of its
# own, one frontend build, INSTANCES app instances and HAProxy on PROXY_PORT (see README, Deployment).
INSTANCES ?= 2
PROXY_PORT ?= 8780
cluster: setup haproxy
	$(PY) -m mentoring_app.cluster start --instances $(INSTANCES) --proxy-port $(PROXY_PORT) \
		$(if $(filter 0,$(DEMO_DATA)),--no-demo-data)

cluster-stop:
	$(PY) -m mentoring_app.cluster stop

# SQLite (online backup API) or PostgreSQL (pg_dump custom format), chosen by DATABASE_URL.
backup: setup
	$(PY) -m mentoring_app.backup backup $(FILE)

restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<file>"; exit 2; }
	$(PY) -m mentoring_app.backup restore $(FILE)
