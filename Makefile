# The one stable interface. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TARGET ?= duckdb
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT := $(BIN)/dbt
DBT_FLAGS := --target $(TARGET)

.PHONY: help venv demo test lint build seed docs generate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP) ## create .venv with the pinned dependencies (other targets do this when needed)

demo: $(STAMP) ## load the seeds, dbt build on DuckDB, print last month's funnel by region
	$(DBT) build $(DBT_FLAGS)
	$(BIN)/python -m warehouse_report

build: $(STAMP) ## dbt build (seeds, models, data and unit tests) on TARGET (default duckdb)
	$(DBT) build $(DBT_FLAGS)

lint: $(STAMP) ## sqlfluff lint every model and test
	$(BIN)/sqlfluff lint models tests/dbt macros

test: $(STAMP) ## every test: sqlfluff, dbt build with data and unit tests, pytest
	$(MAKE) --no-print-directory lint
	$(DBT) build $(DBT_FLAGS)
	$(BIN)/pytest

docs: $(STAMP) ## dbt docs generate (target/index.html)
	$(DBT) docs generate $(DBT_FLAGS)

generate: $(STAMP) ## regenerate the committed demo seeds and their properties files
	$(BIN)/python -m datagen --write-contract

clean: ## remove build outputs and the local warehouse (keeps .venv)
	rm -rf target logs state
