# Claude Compliance: `make demo` runs the pipeline on the built-in simulator; `make test` runs
# the suite; `make lint` the static checks. Each target creates or reuses .venv itself.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: demo test test-fast lint format install system-deps clean up down

install: $(STAMP)

# Debian packages the tests drive: Chromium (browser tests, PDF reports) and poppler-utils
# (pdftoppm). Installed once, with apt-get, when missing and when we are allowed to.
system-deps:
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; \
	else echo "install chromium and poppler-utils (pdftoppm) for the browser and report tests" >&2; fi

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/claude-compliance demo

# `make up`: Airflow standalone with the DAGs, the plugin and the dashboard on this machine, in
# their own process groups (deploy/local.py; docs/deploy.md). `make up SIMULATOR=1` also serves
# the Compliance API simulator and registers its key; UP_ARGS passes more options, e.g.
# UP_ARGS="--port 8081". `make down` stops everything `make up` started.
up: $(STAMP)
	$(BIN)/python -m deploy.local up $(if $(filter 1 yes true,$(SIMULATOR)),--simulator) $(UP_ARGS)

down:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m deploy.local down; else echo "nothing to stop"; fi

# The suite runs on every core (pytest-xdist); each test file stays on one worker, so module
# fixtures are built once (tests/fixtures/grouping.py). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test: $(STAMP) system-deps
	$(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd plugins && ../$(BIN)/mypy --strict -p claude_compliance
	$(BIN)/mypy --strict -p scanners
	$(BIN)/mypy --strict -p compliance_simulator
	$(BIN)/sqlfluff lint dbt_project

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
