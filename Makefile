# Sealroom — the two entry points of the README, plus the checks CI runs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck contracts check bench clean lock wheelhouse package package-check image image-check

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,dev,tpm]'
	touch $(STAMP)

## make demo: the kiosk, windowed, with simulated devices and a throw-away journal
demo: $(STAMP)
	$(VENV)/bin/sealroom demo

## make test: the whole test suite (Qt offscreen)
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check kiosk hardware ui tests benchmarks
	$(VENV)/bin/ruff format --check kiosk hardware ui tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy kiosk hardware
	$(VENV)/bin/mypy --follow-imports=silent ui

contracts: $(STAMP)
	$(VENV)/bin/lint-imports

check: lint typecheck contracts test

bench: $(STAMP)
	$(PY) benchmarks/journal.py

## The appliance (packaging/README.md):
## make lock: packaging/requirements.lock from pyproject.toml, every dependency pinned with hashes
## make package: the Debian package, built offline from the wheelhouse (packaging/build/)
## make package-check: lintian on it;  make image: a bookworm image with it (mkosi);
## make image-check: what the image holds
lock wheelhouse package package-check image image-check:
	$(MAKE) -C packaging $@

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
