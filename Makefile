# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench system-deps deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install when the dependency list changes.
$(STAMP): pyproject.toml requirements-ocr.txt requirements-ocr-engine.txt | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q -r requirements-ocr.txt
	$(PY) -m pip install -q --no-deps -r requirements-ocr-engine.txt
	touch $(STAMP)

deps: $(STAMP)

# Debian packages: CJK font for generated fixtures, LibreOffice for .doc/.wps,
# Chromium for the browser tests, poppler-utils for looking at PDFs, redis-server for the
# distributed readers' tests (the tests start their own on a random port).
system-deps:
	bash scripts/system-deps.sh

run: deps
	$(VENV)/bin/intake serve --host 127.0.0.1 --port 8000 --demo

test: deps system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -n auto --dist loadfile

bench: deps system-deps
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var tests/artifacts
