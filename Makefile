# `make run` and `make test` do all the set-up themselves on a fresh machine:
# Debian packages Qt needs (apt-get, only those missing), a virtualenv, the Python
# dependencies (reinstalled only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

run: $(STAMP)
	bash packaging/debian-deps.sh run
	$(VENV)/bin/workwell $(ARGS)

test: $(STAMP)
	bash packaging/debian-deps.sh test
	$(VENV)/bin/ruff check workwell_desktop tests bench
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check workwell_desktop tests bench

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
