# Công Số — entry points. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3

.DEFAULT_GOAL := help
.PHONY: help install run serve migrate demo test test-pg lint format bench schema clean

help: ## list the entry points
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv (Python 3.11) and install the pinned dependencies

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key

# manage.py with the generated local SECRET_KEY unless one is set in the environment.
MANAGE = SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} $(BIN)/python manage.py

migrate: install var/secret_key ## apply database migrations
	$(MANAGE) migrate --noinput

demo: migrate ## load the demo province (idempotent)
	$(MANAGE) load_demo

run: install var/secret_key ## install, migrate, load the demo and serve on http://127.0.0.1:8000
	@export SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} DEBUG=$${DEBUG:-0}; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py load_demo && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py show_welcome --url http://$(HOST):$(PORT)/ && \
	exec $(BIN)/gunicorn congso.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --threads 2 --access-logfile - --timeout 120

test: install ## run the whole test suite (against DATABASE_URL when set)
	@# Browser tests run in their own process: Playwright's sync API keeps an event loop
	@# running for the session, which would break code that calls asyncio.run (pyHanko).
	CONGSO_TESTING=1 $(BIN)/python -m pytest congso $(PYTEST_ARGS)
	CONGSO_TESTING=1 $(BIN)/python -m pytest e2e $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CONGSO_TESTING=1 $(BIN)/mypy congso

format: install ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## run every benchmark in bench/ and print figures against targets
	@set -e; for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

schema: install var/secret_key ## regenerate docs/api/openapi.yaml
	@mkdir -p docs/api
	$(MANAGE) spectacular --validate --file docs/api/openapi.yaml

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var/db.sqlite3* staticfiles
