# The README's two commands: `make lab` and `make test`. Both create .venv when it is missing and
# install from lock.txt, which pins every dependency; pyproject.toml keeps its ranges.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
# Where torch comes from: PyTorch's own index of CPU builds (a plain `pip install torch` on Linux
# brings a CUDA build of several GB). A GPU user can point this at a CUDA index, see the README.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
INSTALL := $(BIN)/python -m pip install --quiet --constraint lock.txt

NBVAL := $(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
NOTEBOOKS := index.ipynb index.zh-CN.ipynb chapters exercises/source
# The Chinese editions run the same code as the English ones and must print the same numbers
# (tests/test_editions.py), so the second CPU's-kernels pass needs only the English ones.
NOTEBOOKS_EN := index.ipynb $(filter-out %.zh-CN.ipynb,$(wildcard chapters/*.ipynb)) exercises/source

.PHONY: setup lab lab-zh validate test test-browser bench release lock outputs lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch alone, from TORCH_INDEX; its dependencies come from PyPI with everything else.
$(VENV)/.installed-torch: lock.txt | $(BIN)/python
	$(INSTALL) --no-deps --index-url $(TORCH_INDEX) torch
	touch $@

# What a learner needs, and no more: no test tools, no nbgrader.
$(VENV)/.installed-lab: pyproject.toml lock.txt $(VENV)/.installed-torch
	$(INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml lock.txt $(VENV)/.installed-lab
	$(INSTALL) -e '.[test,compat]'
	touch $@

setup: $(VENV)/.installed-test

# Copies the exercises into work/ (once; never over a learner's answers), then opens JupyterLab.
# `make lab-zh` (or `make lab LAB_LANG=zh`) opens it in Chinese: JupyterLab's interface and the
# Chinese start page once the course has one. The variable is not LANG: that is the POSIX locale
# that every recipe runs under, and `make lab LANG=zh` would hand pip and JupyterLab a locale
# that does not exist.
LAB_LANG ?=
lab: $(VENV)/.installed-lab
	$(BIN)/actlab start --port $(PORT)$(if $(LAB_LANG), --lang $(LAB_LANG))

lab-zh: LAB_LANG = zh
lab-zh: lab

# Runs a notebook's visible tests: make validate NB=work/02_stable_sigmoid_tanh.ipynb
validate: $(VENV)/.installed-lab
	@test -n "$(NB)" || { echo "usage: make validate NB=work/NAME.ipynb"; exit 2; }
	$(BIN)/actlab validate $(NB)

# Every stage runs, and every failure is reported, before the exit status says whether any failed.
# nbval runs twice: with this CPU's own kernels, then with torch's baseline kernels, so that a
# stored output that holds only on one kind of CPU fails here rather than on a learner's machine.
test: $(VENV)/.installed-test
	@failed=""; \
	echo "== ruff"; $(BIN)/ruff check . || failed="$$failed ruff"; \
	echo "== pytest"; $(BIN)/python -m pytest || failed="$$failed pytest"; \
	echo "== nbval"; $(NBVAL) $(NOTEBOOKS) || failed="$$failed nbval"; \
	echo "== nbval, ATEN_CPU_CAPABILITY=default"; \
	ATEN_CPU_CAPABILITY=default $(NBVAL) $(NOTEBOOKS_EN) || failed="$$failed nbval(ATEN_CPU_CAPABILITY=default)"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: every stage passed"

# Real-browser tests: the browser extra (Playwright) on top of the test install. Chromium and a CJK
# font come from Debian (`apt-get install chromium fonts-wqy-microhei`; .ci/run does it on CI).
$(VENV)/.installed-browser: $(VENV)/.installed-test
	$(INSTALL) -e '.[test,compat,browser]'
	touch $@

test-browser: $(VENV)/.installed-browser
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/grading.py

release: $(VENV)/.installed-test
	$(BIN)/actlab release --force

# Re-executes notebooks and stores their outputs: make outputs [NB="chapters/01_overview.ipynb ..."]
outputs: $(VENV)/.installed-test
	$(BIN)/python tools/run_notebooks.py $(NB)

# Re-resolves lock.txt from pyproject.toml (needs PyPI and TORCH_INDEX). Commit the result.
lock: $(VENV)/.installed-test
	$(INSTALL) -e '.[lock]'
	$(BIN)/python tools/lock.py --torch-index $(TORCH_INDEX)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
