# mini-autograd-engine: every command a user or CI needs. `make` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

PYTHON ?= python3
VENV ?= .venv
VENV_PY := $(VENV)/bin/python
DOCKER ?= docker
IMAGE ?= mini-autograd-engine
OUT ?= $(CURDIR)/out
# A folder of wheels for the image (the CPU torch wheel); empty: PyTorch's CPU index
WHEELS ?= $(or $(PIP_FIND_LINKS),)
PYTEST_ARGS ?=
BENCH_ARGS ?=
FULL ?=
REV ?= HEAD
FUZZ_ARGS ?=
PY ?=

STAMP := $(VENV)/.installed
# torch's version is written once, in requirements.txt; everything reads it from there
TORCH := $(shell sed -n 's/^torch==//p' requirements.txt)

# The venv: CPU torch, then requirements-dev.lock with every hash checked, then this project, editable.
$(STAMP): requirements-dev.lock requirements.txt tools/install.sh pyproject.toml
	$(PYTHON) -m venv $(VENV)
	bash tools/install.sh $(VENV_PY) requirements-dev.lock
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The playground's npm packages (Pyodide, viz.js, CodeMirror, marked, axe-core), from its lock: once, for every target
NPM := playground/node_modules/.installed
$(NPM): playground/package-lock.json
	npm ci --prefix playground --no-audit --no-fund
	touch $@

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: venv
venv: $(STAMP) ## Create .venv from the locks (the other targets do it when needed)

.PHONY: lock
lock: $(STAMP) ## Regenerate the locks (requirements*.lock: every package, pinned with hashes) from requirements*.txt
	UV=$(VENV)/bin/uv bash tools/lock.sh

.PHONY: demo
demo: $(STAMP) ## Run the demo: gradients beside PyTorch's, before/after pictures in visualizations/
	$(VENV_PY) -m engine demo

.PHONY: test
test: $(STAMP) ## Run the whole test suite (nox -s tests) with branch coverage of engine/: about 25 minutes
	$(VENV)/bin/nox -s tests -- $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: $(STAMP) ## The fast tier (nox -s unit): no Docker, browser, notebook, install or slow tests, under a minute
	$(VENV)/bin/nox -s unit -- $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP) ## ruff check, ruff format --check, the layers (import-linter), hadolint, actionlint on the workflow
	$(VENV)/bin/nox -s lint

.PHONY: render
render: $(STAMP) ## Regenerate every before/after picture (.dot and .svg) into visualizations/
	$(VENV_PY) -m engine render --out visualizations

.PHONY: report
report: $(STAMP) ## Gradient comparison report: reports/report.md, report.json, index.html
	$(VENV_PY) -m engine report --out reports

.PHONY: train
train: $(STAMP) ## Train an MLP on two moons; plots in visualizations/moons_*.{png,svg}
	$(VENV_PY) -m engine train

# make bench PY=python3.13: the training steps on another Python, in a venv of its own (.venv-python3.13)
BENCH_VENV := .venv-$(notdir $(PY))

.PHONY: bench
bench: $(STAMP) ## Benchmark against micrograd, microgpt's design and PyTorch, ~4 min (FULL=1: all; PY=python3.13: that Python)
ifeq ($(PY),)
	$(VENV_PY) -m benchmarks $(if $(FULL),--full,) $(BENCH_ARGS)
else
	bash tools/bench-venv.sh $(PY) $(BENCH_VENV) requirements-dev.lock
	$(BENCH_VENV)/bin/python -m benchmarks --training-only --per-python $(BENCH_ARGS)
endif

.PHONY: bench-breakdown
bench-breakdown: $(STAMP) $(NPM) ## Where a GPT step's time goes: gc, allocation, dispatch, sort (PY=python3.13, PY=pyodide)
ifeq ($(PY),)
	$(VENV_PY) -m benchmarks.breakdown $(BENCH_ARGS)
else ifeq ($(PY),pyodide)
	node benchmarks/pyodide.mjs $(VENV) breakdown $(BENCH_ARGS)
else
	bash tools/bench-venv.sh $(PY) $(BENCH_VENV) requirements-dev.lock
	$(BENCH_VENV)/bin/python -m benchmarks.breakdown $(BENCH_ARGS)
endif

.PHONY: bench-pyodide
bench-pyodide: $(STAMP) $(NPM) ## The training steps in the playground's pinned Pyodide (CPython in WebAssembly) under Node
	node benchmarks/pyodide.mjs $(VENV) $(BENCH_ARGS)

.PHONY: bench-pythons
bench-pythons: ## make bench, then the training steps on CPython 3.12 and 3.13 and in Pyodide: the table of Pythons
	$(MAKE) bench
	$(MAKE) bench PY=python3.12
	$(MAKE) bench PY=python3.13
	$(MAKE) bench-pyodide

.PHONY: bench-grader
bench-grader: $(STAMP) ## The time to grade a class of 100 workspaces, in bubblewrap and with --trusted (~15 min)
	$(VENV_PY) -m benchmarks.grader $(BENCH_ARGS)

.PHONY: versus
versus: $(STAMP) ## This engine against its version at git revision REV (default HEAD), in one process
	$(VENV_PY) -m benchmarks.versus $(REV)

DIR ?= exercises
PORT ?= 8000

.PHONY: docs
docs: $(STAMP) ## Build the docs site with --strict into build/docs/ (mkdocs, Material, the API from the docstrings)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

.PHONY: playground
playground: $(STAMP) $(NPM) ## Build the browser playground from pinned npm packages and serve it on http://127.0.0.1:8000
	$(VENV_PY) playground/build.py
	$(VENV_PY) playground/serve.py --port $(PORT)

.PHONY: site
site: $(STAMP) $(NPM) ## The playground in build/site/ and the docs site in build/site/docs/, for GitHub Pages
	$(VENV_PY) playground/build.py --site build/site
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir build/site/docs

.PHONY: bench-playground
bench-playground: $(STAMP) $(NPM) ## The playground's figures in headless Chromium: load times, bytes per view, training speed
	$(VENV_PY) playground/build.py
	$(VENV_PY) -m benchmarks.playground $(BENCH_ARGS)

.PHONY: exercises
exercises: $(STAMP) ## Write a learner's workspace into DIR (default: exercises/): the core with the pieces to write as stubs
	$(VENV_PY) -m engine exercises --out $(DIR)

.PHONY: grade
grade: $(STAMP) ## Grade the workspace in DIR (default: exercises/): a scorecard, each check in a bubblewrap sandbox
	$(VENV_PY) -m engine grade $(DIR)

.PHONY: autograder
autograder: $(STAMP) ## Write autograder.zip, a Gradescope autograder for the exercises
	$(VENV_PY) -m engine autograder --out autograder.zip

.PHONY: gpt
gpt: $(STAMP) ## Train a GPT on first names with this engine (about 2 minutes); samples and loss plot
	$(VENV_PY) -m engine gpt

.PHONY: fuzz
fuzz: $(STAMP) ## Differential fuzzing: 20,000 random DAGs against PyTorch (FUZZ_ARGS="--examples N")
	$(VENV_PY) -m tools.fuzz $(FUZZ_ARGS)

.PHONY: mutation
mutation: $(STAMP) ## Mutation testing of engine/engine.py with mutmut: the score and the survivors
	$(VENV)/bin/nox -s mutation

.PHONY: docker-build
docker-build: ## Build the runtime image (WHEELS=DIR takes torch from a local folder of wheels)
	$(call docker_build,runtime,$(IMAGE))

.PHONY: docker-build-test
docker-build-test: ## Build the test image, IMAGE:test (the test tools and the repository too)
	$(call docker_build,test,$(IMAGE):test)

define docker_build
	rm -f docker/wheels/*.whl
	$(if $(WHEELS),ln -f $(WHEELS)/torch-$(TORCH)+cpu-*.whl docker/wheels/ 2>/dev/null || cp $(WHEELS)/torch-$(TORCH)+cpu-*.whl docker/wheels/,)
	$(DOCKER) build -f docker/Dockerfile --target $(1) -t $(2) $(if $(WHEELS),--build-arg TORCH_FROM=wheels,) .
endef

# The container never runs as root. Run as the host user, so the files are theirs; a root host
# lends the whole folder to the image's user for the run and takes it all back after, whatever
# the run returned. A failure inside the container fails this target with the container's code.
.PHONY: docker-run
docker-run: docker-build ## Run the image: the demo pictures and the report land in ./out (OUT=DIR)
	mkdir -p $(OUT)
	if [ "$$(id -u)" -ne 0 ]; then \
		$(DOCKER) run --rm --network none --user "$$(id -u):$$(id -g)" -v "$(OUT):/app/out" $(IMAGE); \
	else \
		chown -R 10001:10001 "$(OUT)"; \
		status=0; $(DOCKER) run --rm --network none -v "$(OUT):/app/out" $(IMAGE) || status=$$?; \
		chown -R 0:0 "$(OUT)"; \
		exit $$status; \
	fi
	@echo "pictures and report in $(OUT)"

.PHONY: docker-test
docker-test: docker-build-test ## Run the test suite inside the test image, without network
	$(DOCKER) run --rm --network none $(IMAGE):test

.PHONY: clean
clean: ## Remove the venv, caches, reports and ./out (not the committed pictures)
	rm -rf $(VENV) .nox .pytest_cache .ruff_cache .hypothesis .coverage coverage.xml reports out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
