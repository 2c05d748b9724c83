# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint typecheck pytest bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

.env:
	cp .env.example .env
	@echo "created .env from .env.example: put your BOT_TOKEN there"

# Without BOT_TOKEN in .env: the playground at a terminal, one line and exit 2 elsewhere (use `make demo`).
run: $(STAMP) .env
	$(BIN)/python -m bot run

# The playground: the bot on a built-in local Telegram, with a web chat page on 127.0.0.1 (no token needed).
demo: $(STAMP)
	$(BIN)/python -m bot demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy bot domain handlers storage local_telegram playground tests bench

# The PostgreSQL case of every database test runs whenever a server answers at TEST_DATABASE_URL (by default the
# one .ci/run starts: trust auth, database `test`); one line says so when none does. A URL given in the
# environment or on the command line is used as it is.
TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
# Four workers (pytest-xdist) on two cores: most of a test waits on sockets and timers (the load stays under 2.5);
# on 7 December pytest took 8 min 45 s with four and 14 min 36 s with two, both green. `worksteal`: a worker that
# runs out of tests takes some of another's (with `load`, a worker's early share stays its own and ends the run late).
PYTEST_WORKERS ?= 4

pytest: $(STAMP)
	@if [ "$(origin TEST_DATABASE_URL)" != file ] || $(BIN)/python -m tests.support.postgres "$(TEST_DATABASE_URL)"; then \
		echo "PostgreSQL cases: on $(TEST_DATABASE_URL)"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal; \
	else \
		echo "PostgreSQL cases skipped: no server answers at $(TEST_DATABASE_URL) (start PostgreSQL or set TEST_DATABASE_URL)"; \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# The long reliability runs (about 15 minutes): faults during a 5,000-chat fan-out, SIGKILL at random moments,
# and the 10-minute memory soak. Their figures are in docs/GUARANTEES.md and docs/PERFORMANCE.md.
soak: $(STAMP)
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.crash
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
