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
## Run it where the teaching ports 8001-8005, 8010-8012, 8666, 8667 are free, or the stored outputs will say the
## notebooks fell back to other ports (e.g. `unshare -n sh -c 'ip link set lo up && make notebooks'` as root).
notebooks: install
	$(PY) -m pip install -q jupytext
	@for src in notebooks/src/*.py; do \
	  $(VENV)/bin/jupytext --quiet --to ipynb --output notebooks/$$(basename $$src .py).ipynb $$src || exit 1; \
	done
	$(VENV)/bin/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace notebooks/*.ipynb
