# Set-up and everyday commands. `make dashboard` and `make test` each install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
PORT   ?= 8501
# Debian packages: Chromium (kaleido's chart export and the browser tests), poppler (PDF checks),
# a CJK font so Japanese renders in the browser and in chart images.
APT_PACKAGES := chromium poppler-utils fonts-ipaexfont-gothic

.PHONY: dashboard test test-fast lint system install

dashboard: install
	$(BIN)/segroi dashboard --port $(PORT)

test: install
	$(BIN)/python -m pytest -m "not gpu"

test-fast: install
	$(BIN)/python -m pytest -n 2 -m "not slow and not gpu and not browser"

# ruff's lint rules and formatting, and mypy's type check on engine/, all configured in pyproject.toml.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: system $(VENV)/.installed

system:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null \
	    || [ ! -e /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ]; then \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(APT_PACKAGES); \
	fi

# torch and torchvision first, pinned, so pip takes the local wheels instead of downloading a CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install -q -e '.[test,ray,lint]'
	touch $@
