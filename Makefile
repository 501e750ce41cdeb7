# Two entry points: `make run` starts the app, `make test` runs every check.
# Both create the virtual environment in .venv and install the pinned requirements first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.app-installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Optional for the app; the tests of the Ray backend need it, so `make test` installs it.
$(VENV)/.ray-installed: requirements-ray.txt $(VENV)/.app-installed
	$(PY) -m pip install -q -r requirements-ray.txt
	touch $@

run: $(VENV)/.app-installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint $(VENV)/.ray-installed
	$(PY) -m pytest

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.dev-installed
	$(PY) -m pip install -q -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) bench/bench_transform.py
	$(PY) bench/bench_ctgan.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
