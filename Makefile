# papersieve: `make serve` runs the server, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
FIREFOX ?= /usr/bin/firefox-esr

LOCAL_BIN ?= $(HOME)/.local/bin
PIP := $(BIN)/python -m pip --quiet --quiet --disable-pip-version-check --no-input
say = @printf 'papersieve: %s\n' $(1)

.PHONY: serve test lint extension chromium firefox clean

serve: $(VENV)/.installed $(VENV)/.linked
	@$(BIN)/papersieve serve

test: $(VENV)/.installed-test extension chromium firefox
	$(call say,"running every test (several minutes; the browser tests need chromium and firefox-esr)")
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each check on its own line (make stops at the first that fails): ruff's rules, ruff's format,
# mypy on model/ and server/ ([tool.mypy] in pyproject.toml), the extension's ESLint + web-ext lint.
lint: $(VENV)/.installed-test extension
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd extension && npm run --silent lint

# Set-up says what it does and about how long, once; pip and npm are quiet unless something fails.
$(VENV)/bin/python:
	$(call say,"creating the environment in $(VENV) (~10 s)")
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(call say,"installing papersieve and its dependencies (1-3 min, first time only)")
	@$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(call say,"installing papersieve with its test tools (2-4 min, first time only)")
	@$(PIP) install -e '.[test]'
	@touch $@ $(VENV)/.installed

# `papersieve` on the PATH the way pipx does it: a link in ~/.local/bin to this checkout's command
# (a file there that is not a link is left alone). `.venv/bin/papersieve` works in any case.
$(VENV)/.linked: | $(VENV)/.installed
	@mkdir -p "$(LOCAL_BIN)"; link="$(LOCAL_BIN)/papersieve"; \
	if [ -e "$$link" ] && [ ! -L "$$link" ]; then \
		echo "papersieve: $$link exists and is not a link, left alone: run $(BIN)/papersieve"; \
	else ln -sfn "$(CURDIR)/$(BIN)/papersieve" "$$link"; \
		case ":$$PATH:" in *":$(LOCAL_BIN):"*) echo "papersieve: linked $$link (papersieve works from any folder)";; \
		*) echo "papersieve: linked $$link, but $(LOCAL_BIN) is not on your PATH: run $(BIN)/papersieve," \
			"or add it: echo 'export PATH=\"$(LOCAL_BIN):\$$PATH\"' >> ~/.profile";; esac; fi
	@touch $@

# The extension's build and lint tools (npm registry, once per package-lock.json), then its build;
# skipped until extension/package.json exists.
extension:
	@if [ -f extension/package.json ]; then cd extension && \
		if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then \
			echo "papersieve: installing the extension's build tools (npm ci, ~30 s, first time only)"; \
			if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; \
			else npm install --silent --no-audit --no-fund; fi && touch node_modules/.installed; fi && \
		echo "papersieve: building the extension (a few seconds)" && npm run --silent build >/dev/null; fi

# Debian's chromium for the browser tests (never a browser download).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "papersieve: installing Debian's chromium for the browser tests (~1 min)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "papersieve: browser tests need Debian's chromium: sudo apt-get install chromium"; fi; fi

# Debian's firefox-esr for tests/browser/test_firefox.py (driven by puppeteer-core; no browser download).
firefox:
	@if [ ! -x $(FIREFOX) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "papersieve: installing Debian's firefox-esr for the Firefox tests (~1 min)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; \
		else echo "papersieve: the Firefox tests need Debian's firefox-esr: sudo apt-get install firefox-esr"; fi; fi

clean:
	rm -rf $(VENV) extension/node_modules extension/dist test-output
