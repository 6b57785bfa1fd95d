# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: export DJANGO_DEBUG ?= 1
run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py create_local_admin
	@echo "Serving the archive on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test tests/node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# vnu.jar and axe-core for tests/e2e, as pinned in tests/package-lock.json. Without npm those
# checks are skipped (and fail under CI). --ignore-scripts: vnu-jar's postinstall would download
# its own Java; the system's runs it.
tests/node_modules/.package-lock.json: tests/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests --ignore-scripts --no-audit --no-fund; \
	else echo "npm not found: the HTML and accessibility checks in tests/e2e will be skipped"; fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
