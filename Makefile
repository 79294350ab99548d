# The one stable interface to the warehouse. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# The dbt target; DBT_TARGET (dbt's own variable, also the profile's default target) if set.
TARGET ?= $(or $(DBT_TARGET),duckdb)
# Engines other than DuckDB compile into their own folder: target/ keeps the DuckDB manifest that
# Dagster and MetricFlow load. A server the target needs is started first (and left running).
TARGET_ARGS := --target $(TARGET)$(if $(filter-out duckdb,$(TARGET)), --target-path target/$(TARGET))
SERVER := $(if $(filter postgres,$(TARGET)),pg-up)$(if $(filter spark,$(TARGET)),spark-up)
# The Spark target's packages are installed only when a Spark target is used (requirements-spark.lock).
SPARK_STAMP := $(VENV)/.installed-spark-$(shell cat requirements-spark.lock | cksum | cut -d' ' -f1)

export DBT_PROFILES_DIR := $(CURDIR)
# mf and GX have no --target: they follow the profile's default target, which is DBT_TARGET.
export DBT_TARGET := $(TARGET)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONPATH := $(CURDIR)
# Spark's driver and workers bind to loopback only, and log errors only (scripts/spark-conf).
export SPARK_LOCAL_IP := 127.0.0.1
export SPARK_CONF_DIR := $(CURDIR)/scripts/spark-conf

DBT := $(BIN)/dbt
REPORT := target/compiled/nev_warehouse/analyses/last_month_funnel_by_region.sql
QUALITY := $(BIN)/python -m quality
# Each layer's step runs the tests whose inputs are built by then (not those that need a later layer).
LAYER_BUILD := --exclude resource_type:seed --indirect-selection buildable
# `make test` builds into its own file so that it never touches the warehouse `make demo` built.
TEST_DB := state/test.duckdb
# pytest runs one test file per worker process, as many workers as cores by default.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
DAGSTER_HOME := $(CURDIR)/state/dagster
DAGSTER_PORT ?= 3000
DAGSTER_CODE := -m orchestration.definitions

.PHONY: help venv demo build pg-up pg-down spark-up spark-down test test-spark lint dq catalog export docs generate clean manifest dagster browser bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock -c requirements.lock
	@touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies (every target does this when needed)

demo: $(STAMP) ## layer by layer with quality gates: seeds, dbt build, GX checks; prints last month's funnel
	$(DBT) seed --target $(TARGET)
	$(QUALITY) run --layer raw
	$(DBT) build --target $(TARGET) $(LAYER_BUILD) --select ods
	$(QUALITY) run --layer ods
	$(DBT) build --target $(TARGET) $(LAYER_BUILD) --select dwd
	$(QUALITY) run --layer dwd
	$(DBT) build --target $(TARGET) $(LAYER_BUILD) --select dws ads
	$(QUALITY) run --layer ads
	@$(DBT) compile --target $(TARGET) --select last_month_funnel_by_region --quiet > /dev/null
	@echo; echo "Last month's sales funnel by region (ads.ads_sales_full_cycle_monthly):"; echo
	@$(BIN)/python scripts/print_query.py $(REPORT)

build: $(STAMP) $(SERVER) ## dbt build on TARGET (duckdb, postgres, spark); FULL_REFRESH=1 rebuilds incremental models
	$(DBT) build $(TARGET_ARGS) $(if $(FULL_REFRESH),--full-refresh)

pg-up: ## start a throwaway PostgreSQL 15 on 127.0.0.1:54329 (state/postgres; apt-get if missing)
	@scripts/postgres.sh up

pg-down: ## stop it (its files stay in state/postgres until `make clean`)
	@scripts/postgres.sh down

spark-up: $(SPARK_STAMP) ## start a Spark 4.3 standalone cluster on 127.0.0.1:57077: one master, two workers (state/spark)
	@scripts/spark.sh up

spark-down: ## stop it (metastore and Parquet tables stay in state/spark until `make clean`)
	@scripts/spark.sh down

# sqlfluff lints with the dialect of TARGET: .sqlfluff holds DuckDB's, another target's overrides it.
LINT_DIALECT := $(or $(patsubst $(TARGET):%,%,$(filter $(TARGET):%,postgres:postgres spark:sparksql)),duckdb)
LINT_CONFIG := target/sqlfluff-$(TARGET).cfg

lint: $(STAMP) $(SERVER) ## sqlfluff on every model and SQL test, in TARGET's dialect (duckdb, postgres, sparksql)
	@mkdir -p target
	@printf '[sqlfluff]\ndialect = %s\n\n[sqlfluff:templater:dbt]\ntarget = %s\n' $(LINT_DIALECT) $(TARGET) > $(LINT_CONFIG)
	$(if $(filter-out duckdb,$(TARGET)),DBT_TARGET_PATH=target/$(TARGET)) $(BIN)/sqlfluff lint models tests/dbt analyses --processes 2 --config $(LINT_CONFIG)

# Debian's Chromium for the UI tests (a browser download by Playwright is not possible offline).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

browser: ## install Debian's chromium for the Dagster UI test, if it is missing
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium (apt-get)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM) && echo "chromium: $$($(CHROMIUM) --version 2>/dev/null)"

test: $(STAMP) browser ## every test: sqlfluff, dbt build on a scratch file, mf and Dagster validation, pytest (UI in Chromium, PostgreSQL started and stopped for the cross-engine test)
	$(MAKE) --no-print-directory lint
	rm -f $(TEST_DB) $(TEST_DB).wal
	NEV_DUCKDB_PATH=$(TEST_DB) $(DBT) build --target $(TARGET) --full-refresh
	NEV_DUCKDB_PATH=$(TEST_DB) $(BIN)/mf validate-configs
	$(BIN)/python -m indicators check
	$(DBT) parse --quiet
	$(BIN)/dagster definitions validate $(DAGSTER_CODE)
	NEV_TEST_BUILT_WAREHOUSE=$(TEST_DB) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test-spark: $(SPARK_STAMP) ## the Spark cross-engine test: builds the demo on the cluster (started and stopped) and compares with DuckDB
	$(BIN)/pytest -m spark tests/test_cross_engine_spark.py

SF ?= 1
RUNS ?= 5
RESUME ?=
THREADS ?= 2
bench: $(STAMP) $(SERVER) ## benchmark at scale factor SF (default 1) on TARGET (duckdb, spark), queries repeated RUNS times, RESUME=1 continues an unfinished run, THREADS sets dbt threads (default 2): generates data/raw/sf$(SF) if missing, appends to BENCHMARKS.md
	$(DBT) parse --quiet
	$(BIN)/python -m bench --sf $(SF) --target $(TARGET) --runs $(RUNS) --threads $(THREADS)$(if $(RESUME), --resume)

manifest: $(STAMP) ## dbt parse: the manifest and semantic manifest that Dagster and MetricFlow load (target/, or target/TARGET)
	$(DBT) parse --quiet $(TARGET_ARGS)

dagster: manifest ## Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_PORT=...; state in state/dagster/)
	@mkdir -p $(DAGSTER_HOME) && cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev $(DAGSTER_CODE) --host 127.0.0.1 --port $(DAGSTER_PORT)

dq: $(STAMP) $(SERVER) ## Great Expectations on TARGET's warehouse (duckdb, postgres): summary, Data Docs, exit 1 on any failure
	$(QUALITY) run --target $(TARGET)

catalog: $(STAMP) $(SERVER) ## the indicator dictionary from the semantic layer: target/indicators/index.html and .csv
	$(DBT) parse --quiet $(TARGET_ARGS)
	$(BIN)/python -m indicators check
	$(BIN)/python -m indicators catalog

export: $(STAMP) $(SERVER) ## run the saved queries (dealer full cycle, AARRR overview, C-level board) into state/exports/
	$(DBT) parse --quiet $(TARGET_ARGS)
	$(BIN)/python -m indicators export

docs: $(STAMP) ## dbt docs generate (open target/index.html, or `.venv/bin/dbt docs serve`)
	$(DBT) docs generate --target $(TARGET)

generate: $(STAMP) ## regenerate the demo seeds, the landing contract and the GX context (gx/)
	$(BIN)/python -m datagen --write-contract
	$(QUALITY) sync

clean: ## remove build outputs and the local warehouse files, PostgreSQL's and Spark's included (keeps .venv)
	@scripts/postgres.sh down >/dev/null
	@test ! -x $(BIN)/python || scripts/spark.sh down >/dev/null 2>&1 || true
	rm -rf target logs state/*.duckdb state/*.duckdb.wal state/duckdb_tmp state/postgres state/spark
