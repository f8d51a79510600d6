# Domovoy: `make run` starts the CRM on embedded defaults, `make test` runs the tests.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BABEL_KEYWORDS := -k N_ -k _ -k gettext -k ngettext:1,2 -k DomainError:2 -k NotFound:2 -k Forbidden:2 -k Conflict:2

.PHONY: run test bench messages install

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

run: install
	$(VENV)/bin/domovoy run

test: install
	$(PYTHON) -m pytest $(PYTEST_ARGS)

bench: install
	$(PYTHON) -m bench.all

# Extract translatable strings and merge them into the Russian catalog.
messages:
	$(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) -o backend/locale/messages.pot --no-location --omit-header .
	$(VENV)/bin/pybabel update -i backend/locale/messages.pot -d backend/locale -l ru --no-fuzzy-matching
