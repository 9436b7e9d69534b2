# Deep Learning for Sounds — the course's verbs. Each one sets up what it needs first.
#   make lab      set up and open the course in JupyterLab (EDITION=es: the Spanish edition)
#   make test     set up and run every test (unit tests + every notebook through nbval)
#   make test-fast  the unit tests that train nothing (under a minute)
#   make bench    run the benchmarks (speed comparisons stay out of the tests)
#   make execute  re-run every notebook in place, refreshing its stored outputs
#   make student  write the student edition to _build/student/notebooks (solutions stubbed; Spanish: _build/student/es)
#   make book     build the book (HTML, from the stored outputs) into _build/book (Spanish: _build/book/es)
#   make slides   write one reveal.js deck per chapter into _build/slides (Spanish: _build/slides/es)
#   make translations  bring the catalogs of the Spanish edition in step with the English notebooks and rebuild notebooks/es
#   make data     regenerate data/ from course_lib and check it against data/checksums.sha256
#   make data-real  fetch the real recordings (about 145 MB once; see DATA.md) so the course runs offline

# The interpreter: the newest supported one that runs (3.13, 3.12, 3.11, 3.10, then python3);
# `make test PYTHON=/path/to/python3.10` picks another. Under pyenv a bare shim of a version
# that is not active refuses to run, so candidates are tried, not just found.
SUPPORTED_PYTHONS := 3.13 3.12 3.11 3.10
PYTHON ?= $(shell for v in $(SUPPORTED_PYTHONS); do p=$$(command -v python$$v) && $$p -c '' 2>/dev/null && { echo $$p; exit; }; done; command -v python3)
PYVER  := $(or $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),none)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# GPU=1: TensorFlow with NVIDIA's CUDA libraries (Linux), the `gpu` extra.
GPU    ?=
comma  := ,
EXTRAS := lab,test$(if $(filter 1 yes true,$(GPU)),$(comma)gpu)
# Extra arguments for `jupyter lab` (the lab test passes --no-browser, a port and a token).
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k mel"`.
PYTEST_ARGS ?=
# Quiet, deterministic TensorFlow for every kernel the verbs start: no C++ info logs, and no
# oneDNN reordering of floating-point sums (stored outputs would change in the last digits).
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
# The real recordings: course_lib.corpora looks in $COURSE_DATA_DIR (default ~/.cache/course_lib),
# then in a read-only mirror laid out like ../shared/reference (used when it exists beside the
# repository, as on the course's developer and CI machines), then downloads and verifies.
export COURSE_DATA_MIRROR ?= $(abspath $(wildcard ../shared/reference))

# The browser assets of the book and the slides (reveal.js, MathJax, require.js, the widget
# renderer): npm installs them from package-lock.json; npm records what it installed here.
NODE_STAMP := node_modules/.package-lock.json
# npm installs the SoundFont with the book's assets; without npm, course_lib downloads npm's tarball.
NODE_DEP := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))

# The edition `make lab` opens: en (notebooks/) or es (notebooks/es/, built from the English
# notebooks and the catalogs in locale/es; see README.es.md).
EDITION ?= en
LAB_DIR := notebooks$(if $(filter en,$(EDITION)),,/$(EDITION))

.PHONY: setup lab test test-fast bench execute student book slides translations data data-real clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-nodeps.txt $(VENV)/.python-$(PYVER)$(if $(filter 1 yes true,$(GPU)),-gpu)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

# A virtual environment for this interpreter (made anew when PYTHON's version or GPU changes).
$(VENV)/.python-%:
	@case " $(SUPPORTED_PYTHONS) " in *" $(PYVER) "*) ;; *) \
	  echo "error: the course needs Python $(SUPPORTED_PYTHONS) (TensorFlow's wheels); '$(PYTHON)' is $(if $(filter none,$(PYVER)),not a working Python,Python $(PYVER))." >&2; \
	  echo "Install one (python.org, your package manager, 'pyenv install 3.13', 'uv python install 3.13') and run e.g. 'make test PYTHON=python3.13'." >&2; \
	  exit 1;; esac
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	touch $@

lab: setup data-real
	@test -f $(LAB_DIR)/00_introduction.ipynb || { echo "error: EDITION=$(EDITION): no $(LAB_DIR)/00_introduction.ipynb (editions: en, es)" >&2; exit 2; }
	LIBROSA_DATA_DIR="$$($(BIN)/python -m course_lib.datasets.corpora librosa-dir)" \
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_DIR)/00_introduction.ipynb $(ROOT_ARGS) $(LAB_ARGS)

test: setup data-real
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The unit tests without training or notebooks: a quick check while editing course_lib.
test-fast: setup data-real
	$(BIN)/python -m pytest -n 2 -m "not slow" tests $(PYTEST_ARGS)

bench: setup data-real
	$(BIN)/python -m benchmarks.corpora_load
	$(BIN)/python -m benchmarks.crepe_speed
	$(BIN)/python -m benchmarks.wavenet_generation
	$(BIN)/python -m benchmarks.raw_vs_rnn
	$(BIN)/python -m benchmarks.pretrained_speed
	$(BIN)/python -m benchmarks.attention_cost
	$(BIN)/python -m benchmarks.ssl_speed
	$(BIN)/python -m benchmarks.pesto_speed

execute: setup data-real
	$(BIN)/python -m course_lib.tools.book execute
	$(BIN)/python -m course_lib.tools.translate build es

# After an English paragraph or comment changed: new entries (empty) and changed ones (fuzzy) in
# locale/es/LC_MESSAGES/*.po for a translator, then the Spanish notebooks rebuilt.
translations: setup
	$(BIN)/python -m course_lib.tools.translate update es
	$(BIN)/python -m course_lib.tools.translate build es --allow-missing

student: setup
	$(BIN)/python -m course_lib.tools.book student

$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

book: setup $(NODE_STAMP)
	$(BIN)/python -m course_lib.tools.book book
	$(BIN)/python -m course_lib.tools.book book --language es

slides: setup $(NODE_STAMP)
	$(BIN)/python -m course_lib.tools.slides

data: setup
	$(BIN)/python -m course_lib.datasets.assets build

# Every real set, verified; what is already in the cache or the mirror is not fetched again.
data-real: setup $(NODE_DEP)
	$(BIN)/python -m course_lib.datasets.corpora fetch

clean:
	rm -rf _build .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
