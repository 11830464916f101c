# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun
BUN_VERSION := 1.4.4
PORT ?= 3000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Reflex builds its frontend with the bun we install from the npm registry, and asks no other host.
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_CHECK_LATEST_VERSION := false
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup run test test-setup chromium migrate demo-data lint bench bench-admin

help:
	@echo "make run    set everything up, migrate SQLite, load demo data, serve http://localhost:$(PORT)"
	@echo "make test   set up test needs too (Chromium included) and run every test"
	@echo "make bench  the Find mentor benchmark (10,000 and 100,000 mentors; SQLite and PostgreSQL)"
	@echo "make bench-admin  the admin dashboard benchmark (100,000 members, 1,000,000 visits)"

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

test-setup: setup chromium

test: test-setup
	$(VENV)/bin/ruff check mentoring_app tests alembic benchmarks rxconfig.py
	$(PY) -m pytest

bench: setup
	$(PY) -m benchmarks.matching --sizes 10000 100000 --with-load

bench-admin: setup
	$(PY) -m benchmarks.admin_dashboard

lint: setup
	$(VENV)/bin/ruff check mentoring_app tests alembic benchmarks rxconfig.py
	$(VENV)/bin/ruff format --check mentoring_app tests alembic benchmarks rxconfig.py
