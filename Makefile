# Two commands for a new user: `make site` and `make test` (see README.md).
# Both create .venv from requirements.lock (exact versions, hashes) and fetch
# the browser-side assets named in package-lock.json.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

# Reproducible output: page dates come from the last commit, not from the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve bench setup browser-check lock clean

site: setup
	$(BIN)/mkdocs build --strict

test: setup browser-check
	$(BIN)/pytest

serve: setup
	$(BIN)/mkdocs serve

bench: setup
	$(BIN)/python -m bench

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "error: Python's venv module is missing; install it with: apt-get install -y python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "error: npm is needed to fetch the offline-search shim; install it with: apt-get install -y npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser-check:
	@test -x "$(CHROMIUM)" || { \
	  echo "error: the browser tests need Chromium at $(CHROMIUM); install it with: apt-get install -y chromium" >&2; \
	  echo "       (or point CHROMIUM=/path/to/chromium at another build)" >&2; exit 1; }

# Regenerate requirements.lock from requirements.in (maintainers only).
lock:
	$(PYTHON) -m venv /tmp/studykit-lock && /tmp/studykit-lock/bin/pip install --quiet pip-tools
	/tmp/studykit-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in

clean:
	rm -rf site .cache/pdf .cache/bibliography
