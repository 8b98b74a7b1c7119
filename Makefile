# Harrow outcomes tracker. The two commands: `make demo` and `make test`.
SHELL := /bin/bash
# Python 3.12 where the machine has it (a pyenv build counts), else 3.11: on 3.12 coverage measures through
# sys.monitoring at almost no cost, where 3.11's tracer doubled the time of CPU-bound tests (ADR 0033). Both are
# supported; PYTHON=/path/to/python chooses.
ifndef PYTHON
PYTHON := $(or $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) python3.11; do \
  $$p -c '' 2>/dev/null && { echo $$p; break; }; done),python3.11)
endif
VENV := .venv
BIN := $(VENV)/bin
# The stamp names the interpreter too: a change of Python rebuilds the virtualenv.
STAMP := $(VENV)/.installed-$(shell (cat pyproject.toml constraints.txt; $(PYTHON) -V 2>&1) | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: Chromium for the browser tests and Kaleido's chart images; Pango and fonts for WeasyPrint.
SYSTEM_PACKAGES := chromium fonts-liberation libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: demo test test-fast install lint typecheck migrate reference demo-data bench clean system-packages

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null \
	  || { echo "Python 3.12 or 3.11 is required (set PYTHON=/path/to/python3.12)"; exit 1; }
	@test ! -x $(BIN)/python || [ "$$($(BIN)/python -V 2>&1)" = "$$($(PYTHON) -V 2>&1)" ] || rm -rf $(VENV)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

reference: migrate
	$(BIN)/python manage.py load_reference_data

demo-data: reference
	$(BIN)/python manage.py load_demo_data

## make demo: install, migrate SQLite, load reference and demo data, create demo users, serve on 127.0.0.1:8000
demo: demo-data
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py load_demo_governance
	$(BIN)/python manage.py load_demo_board_pack
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two test processes (pytest-xdist; the machine has 2 cores). Tests that share something across processes carry
# an xdist_group marker and run in one process (docs/adr/0023-test-worlds-and-parallel-runs.md). PARALLEL= runs
# in one process.
PARALLEL ?= -n 2 --dist loadgroup
# Test runs write compiled and assertion-rewritten modules to __pycache__ (ignored by git) even where the
# environment sets PYTHONDONTWRITEBYTECODE: rewriting the tests' asserts anew took 8 s of every test process's start.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest
# Coverage of the application code, with its floor (fail_under in pyproject.toml).
COVERAGE ?= --cov --cov-report=term:skip-covered

## make test: the checks, then the whole suite with coverage (SQLite and eager Celery unless DATABASE_URL /
## CELERY_BROKER_URL are set)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/djlint . --lint
	$(PYTEST) $(PARALLEL) $(COVERAGE) $(PYTEST_ARGS)

## make test-fast: the unit and integration tests on SQLite with eager Celery, in parallel: no browser tests, no
## checks, none marked slow (Chromium, servers, subprocesses, whole-site sweeps), a tenth of the Hypothesis examples,
## and the test database built from the models, not by the migrations (4 s of each process's start), so the tests
## marked migrations (the triggers migrations make, the migrations themselves) are left to make test and CI
test-fast: install
	env -u DATABASE_URL -u CELERY_BROKER_URL HARROW_QUICK_EXAMPLES=1 $(PYTEST) tests/unit tests/integration \
	  -m "not slow and not migrations" \
	  --no-migrations $(PARALLEL) -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/djlint . --lint

typecheck: install
	$(BIN)/mypy

## make system-packages: install the Debian packages above that are missing (needs root; does nothing if all are there)
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

bench: install
	$(BIN)/python bench/stats.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.* htmlcov
