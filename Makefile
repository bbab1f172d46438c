# Samizdat: `make run` serves a demo site on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export SAMIZDAT_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test ci bench messages clean

$(BIN)/samizdat: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

run: $(BIN)/samizdat
	$(BIN)/samizdat migrate --verbosity 0
	$(BIN)/samizdat demo --if-empty
	$(BIN)/samizdat serve --host $(HOST) --port $(PORT) --with-worker

# Tests run in TEST_PROCESSES processes (pytest-xdist): much of the suite waits on servers, browsers
# and peers, so even 2 cores gain from more than 2. One module's tests run in one process, in order
# (--dist loadfile), so module-scoped servers and peers start once and build on each other's steps.
TEST_PROCESSES ?= 3

test: $(BIN)/samizdat
	$(BIN)/lint-imports --no-cache
	SAMIZDAT_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

# The whole CI on a clean Debian 12 machine, as root: installs and starts Chromium, PostgreSQL
# and Redis, then runs `make test` on SQLite and on PostgreSQL.
ci:
	CI=true bash .ci/run

bench: $(BIN)/samizdat
	$(BIN)/python bench/run.py

messages: $(BIN)/samizdat
	cd samizdat && ../$(BIN)/samizdat makemessages -l ru -l kk --no-obsolete && ../$(BIN)/samizdat compilemessages

clean:
	rm -rf $(VENV) var
