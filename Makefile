# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv on first use (Python 3.12 or 3.13; bertalign needs >= 3.12).

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/itu-corpus.duckdb

# Offline by construction: no model hub, no telemetry, a patient ephemeral Prefect API.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180
export PREFECT_LOGGING_LEVEL ?= WARNING
export DO_NOT_TRACK := 1

.PHONY: demo test lint typecheck pytest install clean

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
	$(BIN)/itu-corpus run --db $(DB)
	$(BIN)/itu-corpus summary --db $(DB)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
