"""The bench's dbt builds: the full build (resumable across runs that are killed), the micro-batch of
one new day, and what they report (the slowest nodes, the rows the incremental models took in)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

import settings
from orchestration.automation import REALTIME_SELECT

from . import measure

BIN = Path(sys.executable).parent
NOT_IN_SCALE_RUNS = ["resource_type:seed", "resource_type:unit_test"]  # unit tests read the demo seeds
ODS_LAYER = f"path:models/{settings.LAYERS[1]}"
# What a full build's result depends on: an attempt is continued only while these are unchanged.
BUILD_INPUTS = [
    "models",
    "macros",
    "tests/dbt",
    "dbt_project.yml",
    "profiles.yml",
    "requirements.lock",
    "requirements-spark.lock",
]
DONE = ("success", "pass", "warn")  # a node that need not run again


def code_version() -> str:
    """The commit measured, marked when the work tree differs from it in anything but the docs
    (BENCHMARKS.md itself changes with every run)."""
    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md").strip()
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return head + (" with uncommitted changes" if dirty else "")


def build_inputs_version() -> str:
    """A hash of the dbt project's files as they are now (committed or not), so that a commit that
    changes only the docs or the bench does not stop an interrupted build from being continued."""
    try:
        text = git("ls-files", "-s", "--", *BUILD_INPUTS) + git("diff", "HEAD", "--", *BUILD_INPUTS)
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=settings.ROOT, capture_output=True, text=True, check=True).stdout


def top_nodes(seconds: dict[str, float], n: int = 5) -> str:
    """The n slowest nodes, from node name -> seconds: where the time went."""
    top = sorted(seconds.items(), key=lambda item: item[1], reverse=True)[:n]
    return ", ".join(f"{name[:60]} {s:.1f} s" for name, s in top)


def slowest(target: Path) -> str:
    """The slowest nodes of the last dbt run, from its run_results.json."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return top_nodes({r["unique_id"].split(".")[2]: r["execution_time"] for r in results})


@dataclass
class Attempt:
    """One run of the full build, as its dbt JSON log and peak file left it."""

    nodes: dict[str, tuple[str, float]]  # node name -> (status, seconds), for every node that finished
    ids: dict[str, str]  # node name -> dbt unique id
    seconds: float  # first to last log line: all that a killed run leaves
    peak_bytes: int
    threads: int | None  # dbt threads it ran with

    @property
    def done(self) -> set[str]:
        return {name for name, (status, _) in self.nodes.items() if status in DONE}


def read_attempt(folder: Path) -> Attempt:
    nodes, ids, stamps = {}, {}, []
    log = folder / "dbt.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short when the run was killed
        stamps.append(dt.datetime.fromisoformat(event["info"]["ts"]))
        if event["info"]["name"] == "NodeFinished":
            node, result = event["data"]["node_info"], event["data"]["run_result"]
            nodes[node["node_name"]] = (result["status"], float(result["execution_time"]))
            ids[node["node_name"]] = node["unique_id"]
    seconds = (stamps[-1] - stamps[0]).total_seconds() if stamps else 0.0
    threads = folder / "threads"
    return Attempt(
        nodes,
        ids,
        seconds,
        max((int(p.read_text() or 0) for p in folder.glob("peak*")), default=0),  # one file per dbt invocation
        int(threads.read_text()) if threads.exists() else None,
    )


class StepFailed(Exception):
    """A measured step that failed: what ran, for how long, and the first error it met."""

    def __init__(self, step: str, result: measure.Measured, error: str):
        super().__init__(f"{step}: {error}")
        self.step, self.result, self.error = step, result, error


def first_error(target: Path, output: str) -> str:
    """The first node that errored (run_results.json), else the first error line dbt printed."""
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    for r in results:
        if r["status"] in ("error", "fail", "runtime error"):
            message = " ".join((r.get("message") or "").split())
            return f"{r['unique_id'].split('.')[2]}: {message}"[:300].replace("|", "/")
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in output.splitlines()]
    errors = [line for line in lines if "Error" in line] or [line for line in lines if line] or ["no output"]
    return errors[0][:300].replace("|", "/")


def dbt(
    args: list[str],
    work: Path,
    env: dict,
    also: list[int] | None = None,
    step: str = "dbt build",
    attempt: Path | None = None,
    part: str = "",
) -> measure.Measured:
    """attempt: a folder for a JSON log and the running peak (one file per part of the attempt), which
    a killed run leaves behind."""
    logs = ["--log-path", str(attempt), "--log-format-file", "json"] if attempt else ["--log-path", str(work / "logs")]
    target = args[args.index("--target") + 1] if "--target" in args else env.get("DBT_TARGET", "duckdb")
    cmd = [str(settings.dbt_executable(target)), *args, "--target-path", str(work / "target"), *logs]
    shown = [x if len(x) < 2000 else x[:60] + " ..." for x in args]  # a resumed build's long --exclude
    print("  $ dbt " + " ".join(shown), flush=True)
    (work / "target" / "run_results.json").unlink(missing_ok=True)  # a failed step must not report the last one's
    # DuckDB's warehouse is one file: its largest size is what the machine's disk must hold
    watch = Path(env["NEV_DUCKDB_PATH"]) if target == "duckdb" and env.get("NEV_DUCKDB_PATH") else None
    result = measure.run(
        cmd,
        env=env,
        cwd=settings.ROOT,
        echo=False,
        also=also,
        peak_file=attempt / f"peak{part}" if attempt else None,
        watch=watch,
    )
    tail = [line for line in result.output.splitlines() if "Done." in line or "ERROR" in line]
    print("    " + ("\n    ".join(tail[-5:]) or "(no summary)"), flush=True)
    if result.returncode != 0:
        print(result.output[-4000:], file=sys.stderr, flush=True)
        raise StepFailed(step, result, first_error(work / "target", result.output))
    return result


def release_parsed_history(attempts: Attempts, common: list[str], work: Path, env: dict, also: list[int]):
    """A continued build's ODS layer ran over several attempts, so the on-run-end hook of the last saw
    only some of the parsed batches' readers: it is told which ran before (macros/parse_raw.sql)."""
    every = [*attempts.earlier, read_attempt(attempts.current)]
    done = sorted({e.ids[name] for e in every for name in e.done if name in e.ids})
    args = json.dumps({"results": [], "done_before": done})
    target = common[common.index("--target") :]
    return dbt(["run-operation", "release_parsed_history", "--args", args, *target], work, env, also, "full build")


@dataclass
class FullBuild:
    """The full build's figures: from this run, from earlier attempts it continued, or both."""

    seconds: float
    peak_bytes: int
    attempts: list[Attempt]
    parts: list[float]
    resumed_from_finished: bool
    largest_file_bytes: int = 0  # the warehouse file at its largest in this run (0: not measured)

    def note(self, floor: float, day: dt.date) -> str:
        threads = [e.threads for e in self.attempts]
        resumed = ""
        if len(self.attempts) > 1:
            resumed = (
                f"; in {len(self.attempts)} attempts ({' + '.join(f'{x:.0f}' for x in self.parts)} s"
                f"{'' if len(set(threads)) == 1 else ', dbt threads ' + ' + '.join(map(str, threads))})"
                ", resumed with --resume"
            )
        if self.resumed_from_finished:
            resumed += "; the steps below ran again in a later run"
        disk = ""
        if self.largest_file_bytes:
            disk = f"; warehouse file at most {self.largest_file_bytes / 1e9:.1f} GB"
            disk += " (this run's attempt)" if len(self.attempts) > 1 or self.resumed_from_finished else ""
        return (
            f"peak {measure.gib(self.peak_bytes)}{disk}; {self.seconds / floor:.1f}x the floor; "
            f"landed before {day}{resumed}"
        )

    def slowest(self) -> str:
        return top_nodes({name: secs for e in self.attempts for name, (_, secs) in e.nodes.items()})


class Attempts:
    """The full build's attempts in work/full-build: which nodes earlier runs of the same build (dbt
    project files, landing zone, cut-off, target) finished, so that --resume builds only the rest."""

    def __init__(self, folder: Path, identity: dict, resume: bool):
        self.folder, self.identity = folder, identity
        self.earlier = self._earlier() if resume else []
        self.done = set().union(*(e.done for e in self.earlier))
        # only the steps after the full build are left
        self.finished = bool(self.earlier) and (folder / "finished").exists()
        if resume:
            print(self._resume_message(), flush=True)
        if not self.earlier:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            (folder / "identity.json").write_text(json.dumps(identity, indent=2) + "\n")
        self.current = folder / f"attempt-{len(self.earlier) + (0 if self.finished else 1)}"

    def _earlier(self) -> list[Attempt]:
        """Oldest first; none when there is nothing of this build to continue, or when every step
        after it ran to the end too (then there is nothing left to measure on that warehouse)."""
        try:
            if json.loads((self.folder / "identity.json").read_text()) != self.identity:
                return []
        except (OSError, ValueError):
            return []
        if (self.folder / "completed").exists():
            return []
        attempts = sorted(self.folder.glob("attempt-*"), key=lambda d: int(d.name.split("-")[1]))
        return [read_attempt(d) for d in attempts]

    def _resume_message(self) -> str:
        seconds = sum(e.seconds for e in self.earlier)
        if self.finished:
            return (
                f"  --resume: the full build finished in an earlier run ({len(self.earlier)} attempt(s), "
                f"{seconds:.0f} s); going on with the steps after it"
            )
        if self.earlier:
            return f"  --resume: {len(self.earlier)} earlier attempt(s), {seconds:.0f} s, {len(self.done)} nodes done; building the rest"
        return (
            "  --resume: no unfinished run of these dbt project files and data here (or every step of it "
            "ran to the end); building from the start"
        )

    def completed(self) -> None:
        (self.folder / "completed").touch()  # nothing of this build is left for --resume


def full_build(attempts: Attempts, common: list[str], work: Path, env: dict, also: list[int]) -> FullBuild:
    """dbt build of everything landed before the cut-off in env, skipping what earlier attempts did."""
    if attempts.finished:
        earlier = attempts.earlier
        return FullBuild(
            sum(e.seconds for e in earlier),
            max(e.peak_bytes for e in earlier),
            earlier,
            [e.seconds for e in earlier],
            True,
        )
    attempts.current.mkdir(exist_ok=True)
    (attempts.current / "threads").write_text(f"{common[common.index('--threads') + 1]}\n")
    runs = []
    # As Dagster's daily job does, the ODS layer first: at its end dbt empties the parsed batches
    # (macros/parse_raw.sql), whose space the layers above then reuse. Then everything not yet done.
    for part, select in [("-ods", ["--select", ODS_LAYER, "--indirect-selection", "buildable"]), ("", [])]:
        done = attempts.done | read_attempt(attempts.current).done
        # Excluding a done model excludes its tests too (dbt's indirect selection); in the part that
        # builds the rest, a test not yet run must run although its models ran in an earlier attempt
        # (the raw-to-ODS reconciliation reads the parsed batches: until it has run, they are kept).
        indirect = ["--indirect-selection", "empty"] if done and not select else []
        try:
            runs.append(
                dbt(
                    [
                        "build",
                        *common,
                        "--full-refresh",
                        *select,
                        *indirect,
                        "--exclude",
                        *NOT_IN_SCALE_RUNS,
                        *sorted(done),
                    ],
                    work,
                    env,
                    also,
                    step="full build",
                    attempt=attempts.current,
                    part=part,
                )
            )
            if attempts.earlier:  # after each part: a reader may have run in either
                runs.append(release_parsed_history(attempts, common, work, env, also))
        except StepFailed as failed:
            # the build so far, as a finished one is reported: every attempt and this one's dbt runs,
            # not only the invocation that failed
            parts = [*(e.seconds for e in attempts.earlier), sum(r.seconds for r in runs) + failed.result.seconds]
            failed.result = replace(
                failed.result,
                seconds=sum(parts),
                peak_bytes=max(
                    [failed.result.peak_bytes, *(r.peak_bytes for r in runs), *(e.peak_bytes for e in attempts.earlier)]
                ),
            )
            in_attempts = (
                f"; in {len(parts)} attempts ({' + '.join(f'{p:.0f}' for p in parts)} s)" if len(parts) > 1 else ""
            )
            failed.error += (
                f" ({len(attempts.done | read_attempt(attempts.current).done)} nodes done{in_attempts}: "
                "--resume continues)"
            )
            raise
    (attempts.folder / "finished").touch()
    every = [*attempts.earlier, read_attempt(attempts.current)]
    # this run's own time and peak as measured from its start, not from its log
    parts = [*(e.seconds for e in attempts.earlier), sum(r.seconds for r in runs)]
    peak = max(*(r.peak_bytes for r in runs), *(e.peak_bytes for e in every))
    return FullBuild(sum(parts), peak, every, parts, False, max(r.peak_file_bytes for r in runs))


def micro_batch(common: list[str], work: Path, env: dict, also: list[int]) -> measure.Measured:
    """The Dagster micro-batch as a dbt selection (the real-time facts and everything above them),
    with the batch window and tests sized to it in env."""
    return dbt(
        [
            "build",
            *common,
            "--select",
            REALTIME_SELECT,
            "--exclude",
            *NOT_IN_SCALE_RUNS,
            "--indirect-selection",
            "buildable",
        ],
        work,
        env | {"NEV_TEST_SCOPE": "batch"},
        also,
        step="micro-batch",
    )


def incremental_models(target: Path) -> list[tuple[str, str]]:
    """(schema.name, landing time column) of every incremental model with landing times, from the
    manifest of the run."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    return sorted(
        (f"{n['schema']}.{n['name']}", n["config"]["meta"].get("batch_column", "_loaded_at"))
        for n in nodes
        if n["resource_type"] == "model"
        and n["config"]["materialized"] == "incremental"
        and n["config"]["meta"].get("batch_column") != "none"  # a summary without landing times
    )


def rows_in_window(
    database: Path, tables: list[tuple[str, str]], start: str, end: str, spark_warehouse: Path | None = None
) -> dict[str, int]:
    """Rows of each incremental model that landed in the window: what the micro-batch took in.
    On Spark the tables are read as the Parquet files they are."""

    def relation(table: str) -> str:
        schema, name = table.split(".")
        return f"read_parquet('{spark_warehouse}/{schema}.db/{name}/*.parquet')" if spark_warehouse else table

    with duckdb.connect(":memory:" if spark_warehouse else str(database), read_only=not spark_warehouse) as con:
        return {
            t: con.execute(
                f"select count(*) from {relation(t)} where {column} >= cast(? as timestamp) "
                f"and {column} < cast(? as timestamp)",
                [start, end],
            ).fetchall()[0][0]
            for t, column in tables
        }


def spark_daemons() -> list[int]:
    """Pids of the local Spark cluster's master and workers (their executors are their children)."""
    pids = []
    for pidfile in (settings.ROOT / "state" / "spark" / "run").glob("*.pid"):
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            continue
        if Path(f"/proc/{pid}").exists():
            pids.append(pid)
    return pids
