# eventwire — two commands set up everything on a fresh machine:
#   make demo   create .venv, install, extract the bundled examples, print the events table
#   make test   create .venv, install with test and ray extras, run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest schema clean install train loco stress

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "eventwire needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,ray]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

$(VENV)/.installed-train: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[train,test]'
	touch $@ $(VENV)/.installed

# the experimental event model (docs/model.md): encoder export, features of ../shared/gold,
# weights; `make loco` then scores it leave-one-corpus-out against the rules
train: $(VENV)/.installed-train
	$(BIN)/python -m eventwire.training export
	$(BIN)/python -m eventwire.training collect
	$(BIN)/python -m eventwire.training fit

loco: train
	$(BIN)/python -m eventwire.training loco

demo: $(VENV)/.installed
	$(BIN)/eventwire extract examples/articles --format table
	@mkdir -p out
	$(BIN)/eventwire ingest examples/articles --db out/examples.duckdb
	@echo
	@echo "JSON records:   $(BIN)/eventwire extract examples/articles -o out/examples.jsonl"
	@echo "Dashboard:      $(BIN)/eventwire serve --db out/examples.duckdb   then open http://127.0.0.1:8000/"
	@echo "API docs:       http://127.0.0.1:8000/docs"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

# the worker pool's long stress test: 30 `extract --workers 2` runs while 4 busy loops
# load the cores (each compared with --workers 1), and workers killed at random points
stress: $(VENV)/.installed-test
	EVENTWIRE_STRESS=1 $(BIN)/pytest -q -s -m stress tests/test_engine_stress.py

schema: $(VENV)/.installed
	$(BIN)/eventwire schema -o docs/record.schema.json

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
