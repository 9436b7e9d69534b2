# Deep Learning for Sounds — the course's verbs. Each one sets up what it needs first.
#   make lab      set up and open the course in JupyterLab
#   make test     set up and run every test (unit tests + every notebook through nbval)
#   make execute  re-run every notebook in place, refreshing its stored outputs
#   make student  write the student edition to _build/student/notebooks (solutions stubbed)
#   make book     build the book (HTML, from the stored outputs) into _build/book
#   make slides   write one reveal.js deck per chapter into _build/slides
#   make data     regenerate data/ from course_lib and check it against data/checksums.sha256

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra arguments for `jupyter lab` (the lab test passes --no-browser, a port and a token).
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k mel"`.
PYTEST_ARGS ?=

# The browser assets of the book and the slides (reveal.js, MathJax, require.js, the widget
# renderer): npm installs them from package-lock.json; npm records what it installed here.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: setup lab test execute student book slides data clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. notebooks/00_introduction.ipynb $(ROOT_ARGS) $(LAB_ARGS)

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

execute: setup
	$(BIN)/python -m course_lib.book execute

student: setup
	$(BIN)/python -m course_lib.book student

$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

book: setup $(NODE_STAMP)
	$(BIN)/python -m course_lib.book book

slides: setup $(NODE_STAMP)
	$(BIN)/python -m course_lib.book slides

data: setup
	$(BIN)/python -m course_lib.assets build

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
