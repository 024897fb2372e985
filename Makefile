# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv on first use (Python 3.12 or 3.13; bertalign needs >= 3.12).

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# DB=path builds another file than the CLI's default (data/itu-corpus.duckdb).
DB ?=
# Offline by construction (no model hub, no telemetry, a patient ephemeral Prefect API):
# itu-corpus and the tests set corpus/environment.py's variables themselves; the Prefect
# server of `make serve` gets them from there.
OFFLINE = $(shell $(BIN)/python -m corpus.environment)

.PHONY: demo test lint typecheck pytest install clean serve browser

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "need Python >= 3.12, found " + sys.version.split()[0]' \
		|| { echo "error: set PYTHON to a Python 3.12 interpreter (e.g. make PYTHON=/path/to/python3.12 demo)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/itu-corpus run --mine-terms $(if $(DB),--db $(DB))
	$(BIN)/itu-corpus summary $(if $(DB),--db $(DB))

# A local Prefect server on loopback and the scheduled deployment served against it, both
# stopped by Ctrl-C. UI and API on http://127.0.0.1:$(PREFECT_PORT); state in .prefect/.
# make serve [CRON="0 6 * * 1"] [CONFIG=itu-corpus.toml] [PREFECT_PORT=4200]
PREFECT_PORT ?= 4200
CRON ?= 0 6 * * 1
CONFIG ?= $(if $(wildcard itu-corpus.toml),itu-corpus.toml,itu-corpus.toml.example)

serve: install
	@mkdir -p .prefect
	@env $(OFFLINE) PREFECT_HOME=$(CURDIR)/.prefect $(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT) \
		> .prefect/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	echo "Prefect server on http://127.0.0.1:$(PREFECT_PORT) (log: .prefect/server.log)"; \
	until $(BIN)/python -c 'import httpx, sys; sys.exit(not httpx.get(sys.argv[1]).is_success)' \
		http://127.0.0.1:$(PREFECT_PORT)/api/health 2>/dev/null; do \
		kill -0 $$server 2>/dev/null || { echo 'the Prefect server stopped; see .prefect/server.log' >&2; exit 1; }; \
		sleep 1; done; \
	PREFECT_HOME=$(CURDIR)/.prefect PREFECT_API_URL=http://127.0.0.1:$(PREFECT_PORT)/api \
		$(BIN)/itu-corpus serve --cron "$(CRON)" --config $(CONFIG)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The review page's browser test needs Debian's chromium: installed here when missing and
# possible (root with apt-get, as in CI); otherwise the test is skipped with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is not installed: the browser tests will be skipped" >&2

pytest: install browser
	$(BIN)/python -m pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
