"""How a suite's batch is read and validated on each engine GX reads. (The suites' SQL is written
once; the one expression the engines spell differently is suites.TRY_DATE.)

- duckdb: the batch query runs in DuckDB (read-only) and GX validates the DataFrame, through the
  pandas data source `warehouse` of the file context in gx/ (GX's SQL data source cannot read
  metric results from DuckDB: the connection is released before the results are fetched).
- postgres: GX's SQL data source runs each expectation in PostgreSQL, on a query asset over the
  batch query; nothing is copied out. The batch query names the day under validation, so these
  assets live in an ephemeral context built per run, from the same suites; their Data Docs go to
  gx/uncommitted/data_docs/postgres_site/.

The target is the dbt target (`--target`, else the profile's default); the connection settings
are profiles.yml's (settings.py renders it).
"""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

import settings

from .context import BATCH, DATASOURCE

TARGETS = ("duckdb", "postgres")

DATA_DOCS = {
    "duckdb": settings.ROOT / "gx" / "uncommitted" / "data_docs" / "local_site",
    "postgres": settings.ROOT / "gx" / "uncommitted" / "data_docs" / "postgres_site",
}


def default_target() -> str:
    return settings.dbt_target()


def postgres_url(params: dict | None = None) -> str:
    p = params or settings.postgres_params()
    return f"postgresql+psycopg2://{p['user']}:{p['password']}@{p['host']}:{p['port']}/{p['dbname']}"


class DuckDBBatches:
    """Batches read from the DuckDB file into DataFrames, validated by the file context's checkpoints."""

    dialect = "duckdb"

    def __init__(self, context, database: str | Path | None = None):
        import duckdb

        path = Path(database) if database else settings.warehouse_path()
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: build the warehouse first (make build)")
        self.where = str(path)
        self.context = context
        self.con = duckdb.connect(str(path), read_only=True)

    def scalar(self, sql: str):
        return self.con.execute(sql).fetchall()[0][0]

    def validate(self, suite, sql: str, params: dict):
        # Only the columns the expectations read reach pandas: a whole-table suite's batch at SF 10
        # (20M current leads with every column) did not fit in memory.
        columns = suite.columns_read()
        if columns is not None:
            sql = f"select {', '.join(columns)} from ({sql}) as batch"
        frame = self.con.execute(sql).df()
        result = self.context.checkpoints.get(suite.name).run(
            batch_parameters={"dataframe": frame}, expectation_parameters=params
        )
        return len(frame), result

    def close(self) -> None:
        self.con.close()


class PostgresBatches:
    """Query assets of GX's PostgreSQL data source: the expectations run in the database."""

    dialect = "postgres"

    def __init__(self):
        import sqlalchemy

        params = settings.postgres_params()
        self.where = f"postgresql://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
        self.engine = sqlalchemy.create_engine(postgres_url(params))
        try:
            with self.engine.connect() as c:
                c.execute(sqlalchemy.text("select 1"))
        except sqlalchemy.exc.OperationalError as e:
            raise ConnectionError(
                f"cannot connect to {self.where} (NEV_PG_* variables): start it with "
                f"`make pg-up` and build it with `make build TARGET=postgres`\n  {e.orig}"
            ) from e
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.context.add_data_docs_site(
            "postgres_site",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(DATA_DOCS["postgres"]),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        self.datasource = self.context.data_sources.add_postgres(DATASOURCE, connection_string=postgres_url(params))

    def scalar(self, sql: str):
        import sqlalchemy

        with self.engine.connect() as c:
            return c.execute(sqlalchemy.text(sql.replace(":", r"\:"))).scalar()

    def validate(self, suite, sql: str, params: dict):
        rows = self.scalar(f"select count(*) from ({sql}) as batch")
        # GX's query asset wants a query that starts with SELECT: the batch may start with WITH.
        asset = self.datasource.add_query_asset(suite.name, query=f"select * from ({sql}) as batch")
        batch_definition = asset.add_batch_definition_whole_table(BATCH)
        gx_suite = self.context.suites.add(
            gx.ExpectationSuite(
                name=suite.name,
                expectations=list(suite.expectations),
                meta={"layer": suite.layer, "severity": suite.severity, "table": suite.table, "batch": suite.what},
            )
        )
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[definition],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10},
            )
        )
        return rows, checkpoint.run(expectation_parameters=params)

    def close(self) -> None:
        self.engine.dispose()


def batches(target: str, context=None, database: str | Path | None = None):
    if target == "duckdb":
        from .context import get_context

        return DuckDBBatches(context or get_context(), database)
    if target == "postgres":
        return PostgresBatches()
    raise ValueError(
        f"quality: no GX data source for target '{target}': one of {', '.join(TARGETS)} "
        "(MetricFlow and GX do not support Spark: its ADS tables are served as they are)"
    )
