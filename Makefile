# The two commands of the course: `make lab` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint install chromium bench clean notebooks screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -e .
	touch $(STAMP)

install: $(STAMP)

chromium:
	@bash scripts/ensure_chromium.sh

## make lab: create .venv, install, open the course in JupyterLab
lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --no-browser $(ROOT_FLAG)

## make lint: ruff over the whole repository (configured in pyproject.toml); make test runs it first
lint: install
	$(VENV)/bin/ruff check .

## make test: install what tests need (incl. Chromium when root), lint, run pytest and nbval over every notebook
test: install chromium lint
	$(PY) -m pytest -q tests notebooks --nbval --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

bench: install chromium
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## make screenshots: the README's pictures, taken from real widgets in real JupyterLab (docs/screenshots/)
screenshots: install chromium
	$(PY) docs/screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache

## make notebooks: rebuild notebooks/*.ipynb from notebooks/src/*.py and store fresh, real outputs (authors only).
## Run it where the teaching block (8700-8799, cors_lab.course.PORTS) is free and outside a hub, or the stored outputs
## will say the notebooks fell back to other ports (e.g. `unshare -n sh -c 'ip link set lo up && make notebooks'`).
## CORS_LAB_SHARED_HOST=0: the stored outputs are what a learner on their own machine sees, even when other users'
## processes (the hub test's learners) happen to run on the author's machine.
notebooks: install
	$(PY) -m pip install -q jupytext
	@for src in notebooks/src/*.py; do \
	  $(VENV)/bin/jupytext --quiet --to ipynb --output notebooks/$$(basename $$src .py).ipynb $$src || exit 1; \
	done
	CORS_LAB_SHARED_HOST=0 $(VENV)/bin/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace notebooks/*.ipynb
