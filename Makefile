# Cadence: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_EMPLOYEES ?= 300
export CADENCE_DEBUG ?= 1

.PHONY: run test lint install assets migrate demo serve worker bench check-migrations clean

## Set everything up, create the demo organisation if the database is empty, and serve it.
run: install
	$(BIN)/cadence migrate --no-input
	$(BIN)/cadence demo --if-empty --employees $(DEMO_EMPLOYEES)
	$(BIN)/cadence serve --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite unless CADENCE_DATABASE_URL says otherwise).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

check-migrations: install
	$(BIN)/cadence makemigrations --check --dry-run

install: $(VENV)/.stamp-python node_modules/.stamp-npm assets

$(VENV)/.stamp-python: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cadence needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.stamp-npm: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Cadence needs Node.js >= 18 and npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.stamp-npm
	$(BIN)/python scripts/vendor_assets.py

migrate: install
	$(BIN)/cadence migrate --no-input

demo: install
	$(BIN)/cadence demo --employees $(DEMO_EMPLOYEES)

serve: install
	$(BIN)/cadence serve --host $(HOST) --port $(PORT)

worker: install
	$(BIN)/cadence worker

## Benchmarks: generate an organisation, time the scenarios, load the pages with locust,
## print the table. Bigger: make bench BENCH_ARGS="--employees 10000 --json bench.json";
## PostgreSQL: add --database-url postgres://USER@HOST:5432/EMPTY_DB (see README, Performance).
BENCH_ARGS ?= --employees 2000
bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules src/cadence/static/vendor var .mypy_cache .ruff_cache
