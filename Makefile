# The one stable interface to the warehouse. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# The Spark target's packages live in their own environment, never in the one Dagster, GX and
# MetricFlow import (pyspark's import can end a process that lacks its optional packages).
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell cat requirements-spark.lock requirements.lock | cksum | cut -d' ' -f1)
# The dbt target; DBT_TARGET (dbt's own variable, also the profile's default target) if set.
TARGET ?= $(or $(DBT_TARGET),duckdb)
# Engines other than DuckDB compile into their own folder: target/ keeps the DuckDB manifest that
# Dagster and MetricFlow load. A server the target needs is started first (and left running).
TARGET_ARGS := --target $(TARGET)$(if $(filter-out duckdb,$(TARGET)), --target-path target/$(TARGET))
SERVER := $(if $(filter postgres,$(TARGET)),pg-up)$(if $(filter spark,$(TARGET)),spark-up)

export DBT_PROFILES_DIR := $(CURDIR)
# mf and GX have no --target: they follow the profile's default target, which is DBT_TARGET.
export DBT_TARGET := $(TARGET)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONPATH := $(CURDIR)
# Spark's driver and workers bind to loopback only, and log errors only (scripts/spark-conf).
export SPARK_LOCAL_IP := 127.0.0.1
export SPARK_CONF_DIR := $(CURDIR)/scripts/spark-conf

DBT := $(if $(filter spark,$(TARGET)),$(SPARK_VENV)/bin/dbt,$(BIN)/dbt)
REPORT := target/compiled/nev_warehouse/analyses/last_month_funnel_by_region.sql
QUALITY := $(BIN)/python -m quality
# Writers of the warehouse file take its lock (lock.py), so that readers wait, not fail.
LOCKED := $(BIN)/python -m lock --
# Each layer's step runs the tests whose inputs are built by then (not those that need a later layer).
# The demo builds each layer from its seeds in full: a warehouse left by an older version of the
# models (an incremental table without a newer column) is rebuilt, not failed on.
LAYER_BUILD := --exclude resource_type:seed --indirect-selection buildable --full-refresh
# A failed dbt build on DuckDB prints what each failed data test found (its rows, keys and values:
# quality/dbt_findings.py), then fails: dbt itself says only how many rows.
FINDINGS = $(if $(filter duckdb,$(TARGET)),|| { $(BIN)/python -m quality.dbt_findings; exit 1; })
# The last successful build's dbt artifacts: what slim CI defers to (settings.py: NEV_PROD_ARTIFACTS).
PROD_ARTIFACTS ?= $(or $(NEV_PROD_ARTIFACTS),state/prod-artifacts)
# `make test` builds into its own file so that it never touches the warehouse `make demo` built, with
# its own dbt target folder: target/ holds the manifest of the warehouse file, which Dagster and mf load
# (a semantic manifest names the file it was parsed for as its catalog).
TEST_DB := state/test.duckdb
# pytest runs one test file per worker process, one worker more than cores by default: the tests
# wait on dbt processes, servers and the browser about a quarter of the time (make test on 2 cores:
# 12 min 11 s with 2 workers, 11 min 35 s with 3).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
DAGSTER_HOME := $(CURDIR)/state/dagster
DAGSTER_PORT ?= 3000

.PHONY: help venv demo build test check ci lint lint-changed hooks pg-up pg-down spark-up spark-down test-spark \
        dq catalog export docs generate clean manifest dagster browser test-packages bench serve dashboard data-docs data-docs-assets

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

$(SPARK_STAMP): requirements-spark.lock requirements.lock
	@test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock -c requirements.lock
	@rm -f $(SPARK_VENV)/.installed-* && touch $@

venv: $(STAMP) ## create .venv with the pinned dependencies (every target does this when needed)

demo: $(STAMP) data-docs-assets ## layer by layer with quality gates: seeds, dbt build, GX checks; prints last month's funnel
	@rm -rf $(DEMO_RESULTS)
	$(LOCKED) $(BIN)/python -m contract.files seeds
	$(LOCKED) $(DBT) seed --target $(TARGET)
	$(QUALITY) run --layer raw
	$(LOCKED) $(DBT) build --target $(TARGET) $(LAYER_BUILD) --select ods $(FINDINGS)
	@$(call keep_results,ods)
	$(QUALITY) run --layer ods
	$(LOCKED) $(DBT) build --target $(TARGET) $(LAYER_BUILD) --select dwd $(FINDINGS)
	@$(call keep_results,dwd)
	$(QUALITY) run --layer dwd
	$(LOCKED) $(DBT) build --target $(TARGET) $(LAYER_BUILD) --select dws ads $(FINDINGS)
	@$(call keep_results,dws_ads)
	$(QUALITY) run --layer dws --layer ads
	@$(call publish_artifacts)
	@$(DBT) compile --target $(TARGET) --select last_month_funnel_by_region --quiet > /dev/null
	@echo; echo "Last month's sales funnel by region (ads.ads_sales_full_cycle_monthly):"; echo
	@$(BIN)/python scripts/print_query.py $(REPORT)
	@echo; $(QUALITY) gates
	@$(if $(filter duckdb,$(TARGET)),DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/python -m orchestration.record $(DEMO_RESULTS))

build: $(STAMP) $(SERVER) ## dbt build on TARGET (duckdb, postgres, spark); FULL_REFRESH=1 rebuilds incremental models
	$(if $(filter duckdb,$(TARGET)),$(LOCKED) $(BIN)/python -m contract.files seeds &&) \
	$(if $(filter duckdb,$(TARGET)),$(LOCKED)) $(DBT) build $(TARGET_ARGS) $(if $(FULL_REFRESH),--full-refresh) $(FINDINGS)
	@$(if $(filter duckdb,$(TARGET)),$(call publish_artifacts))

# Each dbt build of the demo keeps its results (dbt overwrites target/run_results.json): the demo's
# record in Dagster shows each dbt test's verdict as its check (orchestration/record.py).
DEMO_RESULTS := state/demo-results
define keep_results
mkdir -p $(DEMO_RESULTS) && cp target/run_results.json $(DEMO_RESULTS)/run_results_$(1).json
endef

# A successful DuckDB build's manifest is what slim CI compares a change with (the daily Dagster
# run publishes its own the same way).
define publish_artifacts
mkdir -p $(PROD_ARTIFACTS) && cp target/manifest.json $(PROD_ARTIFACTS)/manifest.json
endef

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
SQLFLUFF = $(if $(filter spark,$(TARGET)),$(SPARK_VENV)/bin/sqlfluff,$(BIN)/sqlfluff)
# The SQL a change touches: edited or new files, and files changed since the branch left main.
CHANGED_SQL = $(shell { git diff --name-only --diff-filter=d HEAD; git ls-files --others --exclude-standard; \
	git diff --name-only --diff-filter=d $$(git merge-base HEAD origin/main 2>/dev/null || git rev-parse HEAD) HEAD; \
	} 2>/dev/null | grep -E '^(models|tests/dbt|analyses)/.*\.sql$$' | grep -v -x -f .sqlfluffignore | sort -u)

$(LINT_CONFIG):
	@mkdir -p target
	@printf '[sqlfluff]\ndialect = %s\n\n[sqlfluff:templater:dbt]\ntarget = %s\n' $(LINT_DIALECT) $(TARGET) > $(LINT_CONFIG)

lint: $(STAMP) $(SERVER) $(LINT_CONFIG) ## sqlfluff on every model and SQL test, in TARGET's dialect (duckdb, postgres, sparksql); ruff
	$(if $(filter-out duckdb,$(TARGET)),DBT_TARGET_PATH=target/$(TARGET)) $(SQLFLUFF) lint models tests/dbt analyses --processes 2 --config $(LINT_CONFIG)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

lint-changed: $(STAMP) $(LINT_CONFIG) ## sqlfluff on the SQL files a change touches (none: nothing to do)
	@files="$(CHANGED_SQL)"; if [ -z "$$files" ]; then echo "sqlfluff: no changed SQL"; \
	else echo "sqlfluff: $$files"; $(BIN)/sqlfluff lint $$files --config $(LINT_CONFIG); fi

check: $(STAMP) lint-changed ## the fast loop (under a minute): ruff, changed SQL, contract, dbt parse, mf, governance, dbt-score, Dagster, pure tests
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/python -m contract --check
	$(DBT) parse --quiet
	$(BIN)/mf validate-configs --skip-dw
	$(BIN)/python -m indicators check
	$(BIN)/dbt-score lint --manifest target/manifest.json --show failing-items
	$(BIN)/dagster definitions validate -m orchestration.definitions 2>&1 | grep -v Warning | tail -1
	$(BIN)/pytest -m "not warehouse" -q -n $(TEST_WORKERS) --durations=0 -p no:randomly | tail -3

# Slim CI: the change's models and their children, built and tested against the production
# warehouse (attached read-only, profiles.yml target `ci`), after every model built empty once
# with its unit tests (data tests on empty tables would check nothing: 20 s against 15 s).
CI_DB := state/ci.duckdb
CI_EMPTY_DB := state/ci_empty.duckdb
ci: $(STAMP) ## slim CI: every model built empty (schemas, contracts), then `state:modified+` deferred to the production artifacts
	@test -f $(PROD_ARTIFACTS)/manifest.json || { echo "make ci: no production artifacts in $(PROD_ARTIFACTS)/: \
	run \`make build\` (or the daily Dagster job) on the production warehouse first, or set PROD_ARTIFACTS" >&2; exit 2; }
	rm -f $(CI_DB) $(CI_DB).wal $(CI_EMPTY_DB) $(CI_EMPTY_DB).wal && mkdir -p $(dir $(CI_DB))
	NEV_DUCKDB_PATH=$(CI_EMPTY_DB) $(BIN)/dbt build --empty --exclude resource_type:test --target duckdb --target-path target/ci_empty --quiet
	NEV_CI_DUCKDB_PATH=$(CI_DB) $(BIN)/dbt build --target ci --target-path target/ci \
	    --select state:modified+ --defer --state $(PROD_ARTIFACTS)

hooks: $(STAMP) ## install the pre-commit hooks (ruff, sqlfluff on staged SQL, the contract and governance checks)
	$(BIN)/pre-commit install

# Debian's Chromium for the browser tests (a browser download by Playwright is not possible offline),
# and CJK fonts so that the Chinese labels render.
CHROMIUM := /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-noto-cjk
# What the tests take from Debian: the browser, and PostgreSQL 15's binaries for the cross-engine
# tests (scripts/postgres.sh installs those itself when missing, but then in the middle of the tests).
TEST_PACKAGES := $(BROWSER_PACKAGES) postgresql-15

browser: ## install Debian's chromium and CJK fonts for the browser tests, if missing
	@scripts/debian-packages.sh $(BROWSER_PACKAGES)
	@test -x $(CHROMIUM) && echo "chromium: $$($(CHROMIUM) --version 2>/dev/null)"

test-packages:
	@scripts/debian-packages.sh $(TEST_PACKAGES)

# On a fresh machine pip (the venv) and apt-get (the Debian packages) install side by side.
test: ## every test: a scratch build, then pytest (lint, dbt, GX, MetricFlow, Dagster, boards, API, PostgreSQL)
	@$(MAKE) --no-print-directory -j3 $(STAMP) test-packages data-docs-assets
	rm -f $(TEST_DB) $(TEST_DB).wal
	NEV_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build --target duckdb --full-refresh --quiet --target-path target/test
	$(BIN)/dbt parse --target duckdb --quiet
	NEV_TEST_BUILT_WAREHOUSE=$(TEST_DB) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-spark: $(SPARK_STAMP) ## the Spark cross-engine test: builds the demo on the cluster (started and stopped) and compares with DuckDB
	$(BIN)/pytest -m spark tests/test_cross_engine_spark.py

SF ?= 1
RUNS ?= 5
RESUME ?=
THREADS ?= 2
bench: $(STAMP) $(SERVER) ## benchmark at scale factor SF (default 1) on TARGET (duckdb, spark); RUNS, RESUME=1, THREADS: see docs/scale.md
	$(BIN)/dbt parse --target duckdb --quiet
	$(BIN)/python -m bench --sf $(SF) --target $(TARGET) --runs $(RUNS) --threads $(THREADS)$(if $(RESUME), --resume)

manifest: $(STAMP) ## dbt parse: the manifest and semantic manifest that Dagster and MetricFlow load (target/, or target/TARGET)
	$(DBT) parse --quiet $(TARGET_ARGS)

dagster: manifest ## Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_PORT=...; state in state/dagster/)
	@mkdir -p $(DAGSTER_HOME) && cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	@# started in DAGSTER_HOME, where the copy of the settings is (so that dagster dev reads that one)
	cd $(DAGSTER_HOME) && DAGSTER_HOME=$(DAGSTER_HOME) $(CURDIR)/$(BIN)/dagster dev -m orchestration.definitions \
	    -d $(CURDIR) --host 127.0.0.1 --port $(DAGSTER_PORT)

serve: manifest data-docs-assets ## the boards and the metrics HTTP API on http://127.0.0.1:8050 (NEV_SERVE_PORT); tokens in state/access.json
	$(BIN)/python -m products serve

dashboard: serve ## the same server: its first lines print each board's URL with a demo token

dq: $(STAMP) $(SERVER) data-docs-assets ## Great Expectations on TARGET's warehouse (duckdb, postgres): summary, Data Docs, exit 1 on any failure
	$(QUALITY) run --target $(TARGET)

# Great Expectations' Data Docs load Bootstrap, jQuery, Font Awesome and Vega from CDNs; their npm
# packages (pinned in quality/data_docs.py) are kept here once, and every GX run points its pages at them.
DOCS_ASSETS := state/data-docs-assets/.fetched-$(shell cksum < quality/data_docs.py | cut -d' ' -f1)
$(DOCS_ASSETS): | $(STAMP)
	@$(BIN)/python -m quality.data_docs fetch && touch $@

data-docs-assets: $(DOCS_ASSETS) ## keep the Data Docs' pinned npm assets in state/data-docs-assets (npm; once)

data-docs: $(STAMP) data-docs-assets ## serve GX's Data Docs on http://127.0.0.1:8060 (NEV_DATA_DOCS_PORT); the checks in Dagster link here
	$(BIN)/python -m quality.data_docs serve

catalog: $(STAMP) $(SERVER) ## the indicator dictionary from the semantic layer: target/indicators/index.html and .csv
	$(DBT) parse --quiet $(TARGET_ARGS)
	$(BIN)/python -m indicators check
	$(BIN)/python -m indicators catalog

export: $(STAMP) $(SERVER) ## run the saved queries (dealer full cycle, AARRR overview, C-level board) into NEV_EXPORT_DIR (state/exports/)
	$(DBT) parse --quiet $(TARGET_ARGS)
	$(BIN)/python -m indicators export

docs: $(STAMP) ## dbt docs generate (open target/index.html, or `.venv/bin/dbt docs serve`)
	$(DBT) docs generate --target $(TARGET)

generate: $(STAMP) ## regenerate the demo seeds, the dbt files of the landing contract and the GX context (gx/)
	$(BIN)/python -m datagen
	$(BIN)/python -m contract
	$(QUALITY) sync

clean: ## remove build outputs and the local warehouse files, PostgreSQL's and Spark's included (keeps the venvs)
	@scripts/postgres.sh down >/dev/null
	@test ! -x $(SPARK_VENV)/bin/python || scripts/spark.sh down >/dev/null 2>&1 || true
	rm -rf target logs state/*.duckdb state/*.duckdb.wal state/duckdb_tmp state/postgres state/spark
