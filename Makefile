# The README's two commands: `make lab` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: setup lab test test-browser bench release lint clean

setup: $(STAMP)

# Reinstall only when the dependency declarations change; a second run is a no-op.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,compat]'
	touch $(STAMP)

# JupyterLab refuses to run as root without --allow-root (containers, CI machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. --port=$(PORT) $(ALLOW_ROOT) index.ipynb

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest -p no:cacheprovider --nbval index.ipynb chapters exercises/source --nbval-sanitize-with tests/nbval_sanitize.cfg

# Real-browser tests: the browser extra (Playwright) on top of the test install. Chromium and a CJK
# font come from Debian (`apt-get install chromium fonts-wqy-microhei`; .ci/run does it on CI).
BROWSER_STAMP := $(VENV)/.installed-browser

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,compat,browser]'
	touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

bench: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/grading.py

release: $(STAMP)
	$(BIN)/actlab release

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
