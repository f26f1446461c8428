# papersieve: `make serve` runs the server, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: serve test lint extension chromium clean

serve: $(VENV)/.installed
	$(BIN)/papersieve serve

test: $(VENV)/.installed-test extension chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each check on its own line (make stops at the first that fails): ruff's rules, ruff's format,
# mypy on model/ and server/ ([tool.mypy] in pyproject.toml), the extension's ESLint + web-ext lint.
lint: $(VENV)/.installed-test extension
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd extension && npm run --silent lint

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The extension's build and lint tools (npm registry); skipped until extension/package.json exists.
extension:
	@if [ -f extension/package.json ]; then \
		cd extension && if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; \
		else npm install --silent --no-audit --no-fund; fi && npm run --silent build; fi

# Debian's chromium for the browser tests (never a browser download).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; fi; fi

clean:
	rm -rf $(VENV) extension/node_modules extension/dist test-output
