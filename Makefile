# Quartier: `make run` starts the Dortmund demo; `make test` runs the whole suite.
# Both work on a machine that has never seen the project (Debian, Python 3.11, Node 20).

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev assets messages demo-db lint test-unit test-postgres test-e2e \
	postgres chromium benchmark lock clean

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==0.13.9

$(VENV)/.installed: $(VENV)/bin/uv requirements.lock pyproject.toml
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(UV) pip install --quiet --python $(PY) -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed assets messages
install-dev: $(VENV)/.installed-dev assets messages

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

messages:
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

demo-db: install
	mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo

# The demo: SQLite in var/, the background worker beside the web server, no prompts.
run: demo-db
	@echo "Quartier Dortmund: http://$(HOST):$(PORT)/  (Ctrl+C stops the server and the worker)"
	OPENBLAS_NUM_THREADS=1 $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy quartier config e2e voting_rules opinion_clustering similar_ideas
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run -v1

test-unit: install-dev
	$(VENV)/bin/pytest -m "not e2e" -p no:cacheprovider

test-postgres: install-dev postgres
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest quartier -m "not e2e" -p no:cacheprovider

test-e2e: install-dev chromium
	$(VENV)/bin/pytest e2e -m e2e -v -p no:cacheprovider

# The whole suite: lint, unit tests on SQLite (real-data checks included) and on PostgreSQL,
# real-browser journeys.
test: lint test-unit test-postgres test-e2e

benchmark: install-dev postgres
	DATABASE_URL=$(PG_URL) $(PY) benchmarks/web_ideas.py

lock: $(VENV)/bin/uv
	$(UV) pip compile pyproject.toml --python-version 3.11 -q -o requirements.lock
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules staticfiles var
