# Two commands matter: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAMPLE_LOANS ?= 20000
SAMPLE_SEED ?= 42
SAMPLE_BOOK := sample_data/book
SAMPLE_DB := sample_data/sample.duckdb
PORT ?= 8501

.PHONY: run test sample browser bench clean

run: $(VENV)/.installed $(SAMPLE_DB)
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.installed-test browser
	$(PY) -m pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(SAMPLE_DB): | $(VENV)/.installed
	$(PY) -m analytics generate --loans $(SAMPLE_LOANS) --seed $(SAMPLE_SEED) --out $(SAMPLE_BOOK)
	$(PY) -m analytics import $(SAMPLE_BOOK) --db $(SAMPLE_DB)

sample: $(SAMPLE_DB)

# Browser tests drive Debian's Chromium; no browser is downloaded. Installing needs root (CI is root).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and CJK fonts for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "no /usr/bin/chromium and not root: browser tests will say they were skipped (they fail under CI=true)"; fi

bench: $(VENV)/.installed-test
	$(PY) bench/bench_generate.py --loans 20000 --runs 3
	$(PY) bench/bench_import.py --loans 20000 --runs 3

clean:
	rm -rf $(VENV) $(SAMPLE_BOOK) $(SAMPLE_DB) .pytest_cache
