# Thin wrappers; the work is done by the `kurils` command (kurils/cli.py).
# `make site` and `make test` set everything up themselves on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KURILS := $(BIN)/kurils
SUBMISSIONS ?= submissions
MASTERS ?= exercises

.PHONY: help setup system-deps site pdf serve lab test release grade marks bench lint clean

help:
	@echo "make site     build the course site into _build/html (sets everything up)"
	@echo "make pdf      print the whole course in each language to _build/pdf/kurils-course[-ja,-ru].pdf (installs chromium, fonts)"
	@echo "make serve    serve the built site on http://127.0.0.1:8000"
	@echo "make lab      open the course in JupyterLab"
	@echo "make test     set up and run every test (what CI runs)"
	@echo "make release  write student notebooks to _build/release (MASTERS=dir for private masters, LANGUAGE=ja|ru)"
	@echo "make grade SUBMISSIONS=dir [CHAPTER=3] [JOBS=2] [LMS=canvas|moodle ROSTER=export.csv ASSIGNMENT=name]"
	@echo "              grade a folder of submitted notebooks into a gradebook (and the files the LMS imports)"
	@echo "make marks    merge the marks for written answers (_build/grades/written/*-marks.csv) into the gradebook"
	@echo "make bench    time and weigh the course against a stock Jupyter Book (_build/bench)"

# Python environment: re-installed when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -e '.[test]'
	# Compiled once, on every core. Where PYTHONDONTWRITEBYTECODE is set (as on CI), no process would keep
	# what it compiled: every kernel and every build would compile pandas, otter, Sphinx, kurils... each time.
	$(BIN)/python -m compileall -qq -j 0 -x '/tests?/' $(VENV)/lib kurils || true  # a file that cannot compile fails when imported
	# JupyterLab in this environment opens the MyST chapters as notebooks (jupytext).
	install -D -m 644 kurils/assets/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# npm packages the site serves itself; `npm ci` checks each against the lockfile's integrity hash.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then echo "Installing Debian packages: nodejs npm"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "npm is missing. Install Node.js and npm, e.g.: sudo apt-get install nodejs npm"; exit 1; fi; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The Python environment and the npm packages are set up side by side.
setup:
	@$(MAKE) --no-print-directory -j2 $(BIN)/.installed node_modules/.package-lock.json

# Debian packages the browser tests, CJK screenshots and the grading sandbox need.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing. Install them with:"; \
	    echo "  sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

site: setup
	$(KURILS) site

pdf: setup system-deps
	$(KURILS) pdf

serve:
	$(KURILS) serve

lab: setup
	$(BIN)/jupyter lab --notebook-dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: setup system-deps
	$(BIN)/ruff check kurils tests
	$(BIN)/ruff format --check kurils tests
	$(BIN)/python -m pytest -m "not lighthouse"
	$(BIN)/python -m pytest -m lighthouse -n 0  # alone: other tests' load inflates Lighthouse's blocking time

release: setup
	$(KURILS) release --masters $(MASTERS) $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(LANGUAGE),--language $(LANGUAGE))

grade: setup
	$(KURILS) grade $(SUBMISSIONS) --masters $(MASTERS) $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(LMS),--lms $(LMS)) $(if $(ROSTER),--roster "$(ROSTER)") $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)")

marks: setup
	$(KURILS) marks

bench: setup system-deps
	$(KURILS) bench

clean:
	rm -rf _build _vendor
