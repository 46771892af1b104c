# Two commands (README): `make run` starts the dashboard on the embedded store; `make test` runs every test.
# Both set everything up themselves: virtual environment, pinned packages, demo data, Chromium and axe-core
# (npm, for the accessibility tests) for tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test check bench screenshots setup setup-dev chromium clean

run: $(VENV)/.installed
	$(BIN)/python -m sendlib init --demo
	@echo "The dashboard is starting at http://localhost:$(PORT)/ (open it in a browser; Ctrl+C stops it)."
	$(BIN)/streamlit run dashboard.py --server.port $(PORT)

# Static checks first (pyproject.toml: ruff lint and format, mypy strict on sendlib/), then every test on two
# workers (pytest-xdist); --dist loadgroup keeps the tests that share a module-scoped fixture (a server, a store
# built for the module) on one worker, as tests/conftest.py marks them.
test: $(VENV)/.installed-dev chromium node_modules/.installed check
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25

check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The benchmark (README, Performance): 10k, 100k and 1M rows; writes benchmarks/RESULTS.md.
bench: $(VENV)/.installed-dev chromium
	$(BIN)/python benchmarks/bench.py

# Every page as every role at desktop, projector (presentation mode) and phone sizes: test-artifacts/screens/.
screenshots: $(VENV)/.installed-dev chromium
	$(BIN)/python scripts/screenshots.py

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

chromium:
	@sh scripts/ensure-chromium.sh

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# axe-core, pinned in package-lock.json: the accessibility tests inject it into each page in Chromium.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts node_modules
