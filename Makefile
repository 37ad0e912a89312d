# The two set-up commands of the README: `make demo` and `make test`.
# Both build the virtual environment they need from scratch (Python 3.11+).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint clean

$(BIN)/lmt: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: $(BIN)/lmt
	$(BIN)/pip install -q -e '.[dev]'
	bash tools/cypher-lint/install.sh
	bash tools/web/install-browser.sh $(BIN)/python
	bash tools/spark/install-java.sh
	touch $@

install: $(BIN)/lmt
install-dev: $(VENV)/.dev

## make demo: synthetic batch -> ingest -> analytics -> API and pages on http://127.0.0.1:8000/
demo: install
	$(BIN)/lmt demo

## make test: everything the tests need, then the checks (make lint) and the whole suite
test: lint
	$(BIN)/pytest -q

## make lint: ruff (lint and format) and mypy, the checks CI runs before the tests
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) lmt-demo lmt-data .pytest_cache
