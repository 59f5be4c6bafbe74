# The two commands of the course: `make lab` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test install chromium bench clean notebooks

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

## make test: install what tests need (incl. Chromium when root), run pytest and nbval over every notebook
test: install chromium
	$(PY) -m pytest -q tests notebooks --nbval --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

bench: install chromium
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache

## make notebooks: rebuild notebooks/*.ipynb from notebooks/src/*.py and store fresh outputs (authors only)
notebooks: install
	$(PY) -m pip install -q jupytext
	@for src in notebooks/src/*.py; do \
	  nb=notebooks/$$(basename $$src .py).ipynb; \
	  $(VENV)/bin/jupytext --quiet --to ipynb --output $$nb $$src && \
	  $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace $$nb || exit 1; \
	done
