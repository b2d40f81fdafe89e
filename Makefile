# Two commands on a fresh Debian/Ubuntu machine, as root:
#   make demo   set up everything, then run mapcheck on samples/
#   make test   set up everything, then ruff, mypy and the whole pytest suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Tesseract with English, Ukrainian and Russian data is needed by the image and PDF checks.
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-ukr tesseract-ocr-rus
# A C compiler and Python's headers compile the text engine with mypyc (setup.py); without them
# mapcheck runs the same modules as Python, slower.
# The compiled modules are in checker/text (native.COMPILED): the install step builds them again
# after an edit there.
NATIVE_SOURCES := $(wildcard checker/text/*.py)
# Chromium and its driver run the web page's end-to-end test (tests/web/test_browser.py).
# Debian ships real packages; Ubuntu's are snap shims that a container without snapd cannot
# install, so there a failure is a warning (the browser test then skips, or fails under CI=true).
BROWSER_PACKAGES := chromium chromium-driver

.PHONY: demo test lint typecheck pytest system-deps install bench clean

demo: install
	@echo "== mapcheck check samples/ =="
	@$(BIN)/mapcheck check samples/; rc=$$?; \
	  if [ $$rc -le 1 ]; then echo "(exit $$rc: the run worked; 1 means findings were reported)"; exit 0; \
	  else exit $$rc; fi

test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check setup.py checker tests bench reference_boundaries samples
	$(BIN)/ruff format --check setup.py checker tests bench reference_boundaries samples

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/vector.py
	$(BIN)/python bench/text.py

# System packages: installed once per machine; skipped when already present.
system-deps:
	@missing=""; \
	  command -v tesseract >/dev/null 2>&1 || missing="$(APT_PACKAGES)"; \
	  if command -v tesseract >/dev/null 2>&1; then \
	    for l in eng ukr rus; do tesseract --list-langs 2>/dev/null | grep -qx $$l || missing="$$missing tesseract-ocr-$$l"; done; \
	  fi; \
	  $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	  build=""; \
	  command -v gcc >/dev/null 2>&1 && [ -e /usr/include/stdio.h ] || build="gcc libc6-dev"; \
	  $(PYTHON) -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
	    >/dev/null 2>&1 || build="$$build python3-dev"; \
	  browser=""; \
	  command -v chromium >/dev/null 2>&1 || browser="chromium"; \
	  command -v chromedriver >/dev/null 2>&1 || browser="$$browser chromium-driver"; \
	  ubuntu=""; grep -qx 'ID=ubuntu' /etc/os-release 2>/dev/null && ubuntu=1; \
	  if [ -z "$$ubuntu" ]; then missing="$$missing $$browser"; browser=""; fi; \
	  if [ -n "$$(echo $$missing)" ] || [ -n "$$browser" ] || [ -n "$$build" ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq || exit 1; \
	  fi; \
	  if [ -n "$$(echo $$missing)" ]; then \
	    echo "== installing system packages:$$missing"; \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  fi; \
	  if [ -n "$$build" ]; then \
	    echo "== installing system packages: $$build (to compile the text engine)"; \
	    apt-get install -y -qq --no-install-recommends $$build >/dev/null \
	      || echo "warning: could not install $$build; the text engine will run as Python"; \
	  fi; \
	  if [ -n "$$browser" ]; then \
	    echo "== installing system packages: $$browser (Ubuntu: snap shims)"; \
	    apt-get install -y -qq --no-install-recommends $$browser >/dev/null \
	      || echo "warning: could not install $$browser; the browser test will be skipped"; \
	  fi

	@mkdir -p $(VENV)

install: system-deps $(STAMP)

$(STAMP): setup.cfg pyproject.toml setup.py $(NATIVE_SOURCES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' setuptools wheel
	@# then compile the text engine: mypyc type-checks it against the dependencies just installed
	MAPCHECK_COMPILE=1 $(BIN)/python -m pip install -q --no-build-isolation --no-deps -e .
	@$(BIN)/mapcheck --version | sed -n '2,3p'
	@touch $@

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
	rm -f checker/text/*.so checker/text/_native.json
