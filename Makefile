# `make run` and `make test` do all the set-up themselves on a fresh machine:
# Debian packages Qt needs (apt-get, only those missing), a virtualenv, the Python
# dependencies (reinstalled only when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean

# Qt Designer forms (ui/*.ui) compiled to workwell_desktop/gui/forms/ui_*.py when the .ui
# is newer (the compiled files are committed too: see README, "Screens from Qt Designer").
FORMS := $(patsubst ui/%.ui,workwell_desktop/gui/forms/ui_%.py,$(wildcard ui/*.ui))
workwell_desktop/gui/forms/ui_%.py: ui/%.ui | $(STAMP)
	$(PY) packaging/build_forms.py $<

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

run: $(STAMP) $(FORMS)
	bash packaging/debian-deps.sh run
	$(VENV)/bin/workwell $(ARGS)

test: $(STAMP) $(FORMS)
	bash packaging/debian-deps.sh test
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff (lint, then the formatter as a check: it changes nothing here), then mypy over the
# non-GUI packages (their list is [tool.mypy] files in pyproject.toml).
LINTED := workwell_desktop tests bench packaging
lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check --quiet $(LINTED)
	$(VENV)/bin/mypy

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info

# `make package`: the PyInstaller bundle dist/WorkWell/ (both executables), self-tested,
# its manifest signed when WORKWELL_SIGNING_KEY names the IT Ed25519 key,
# dist/WorkWell-<version>-<os>-<arch>.tar.gz and, where dpkg-deb exists (Debian, Ubuntu),
# dist/workwell_<version>_<arch>.deb. PyInstaller is installed into .venv if missing.
# PACKAGE_ARGS="--force" rebuilds even when nothing changed.
PACKAGE_DIST ?= dist
PACKAGE_ARGS ?=
.PHONY: package
package: $(STAMP) $(FORMS)
	bash packaging/debian-deps.sh run
	$(PY) packaging/build.py --dist $(PACKAGE_DIST) --self-test --archive \
	  $(if $(shell command -v dpkg-deb),--deb,) $(PACKAGE_ARGS)
