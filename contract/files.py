"""Raw files checked against the landing contract before anything loads them.

    python -m contract.files seeds            # every raw CSV under seeds/ (the demo's landing)

A file must be UTF-8 CSV (a byte-order mark, as Excel writes, is accepted) as RFC 4180 writes it (quoted fields may hold commas, doubled quotes and
line breaks), with a header of exactly its table's contract columns and at least one row. Each
file that is not gets one line naming the file, what is wrong (with the line where it is) and what
to do; the exit code is then 1 and nothing has been loaded. A half-good file is never loaded.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from .tables import BY_NAME, RawTable

# A quote that is neither the first or last character of a field nor one of a doubled pair.
STRAY_QUOTE = re.compile(r'(?<![,\n"])"(?![,\r\n"])')


class BadFile(ValueError):
    """A raw file the contract does not admit; the message is one line."""


def check_csv(path: Path, table: RawTable) -> int:
    """The number of rows of a raw CSV file that keeps to the contract; BadFile otherwise."""
    data = path.read_bytes()
    if not data:
        raise BadFile(f"{path}: the file is empty (0 bytes): the source must send the header line and its rows")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BadFile(
            f"{path}: not UTF-8 (byte 0x{data[e.start]:02x} on line {line}; GBK or another Chinese encoding?): "
            "have the source export UTF-8, or convert it (iconv -f GBK -t UTF-8)"
        ) from None
    # Excel's "CSV UTF-8" starts with a byte-order mark; dbt's and DuckDB's CSV readers skip it too.
    text = text.removeprefix("\ufeff")
    stray = STRAY_QUOTE.search(text)
    if stray:
        line = text.count("\n", 0, stray.start()) + 1
        raise BadFile(
            f'{path}: line {line} has a stray quote (") inside a field: a field that holds quotes must be '
            'quoted, its own quotes doubled ("a ""b"" c"): fix the export'
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = 0
    record_line = 1
    try:
        header = next(reader)
        expected = table.column_names
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        if missing or extra:
            parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
                [f"column(s) {', '.join(extra)} the contract does not declare"] if extra else []
            )
            raise BadFile(
                f"{path}: header has {' and '.join(parts)}: the source must send exactly the columns of "
                f"{table.name} in contract/tables.py"
            )
        while True:
            record_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if row == []:
                continue  # a blank line
            if len(row) != len(header):
                last = reader.line_num == text.count("\n") + (0 if text.endswith("\n") else 1)
                hint = ": the file looks cut short, have the source send it again" if last else ""
                raise BadFile(f"{path}: line {record_line} has {len(row)} fields, the header {len(header)}{hint}")
            rows += 1
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise BadFile(
                f"{path}: the quoted field opened on line {record_line} is never closed: the file is cut short "
                "or a quote is missing; have the source send it again"
            ) from None
        raise BadFile(f"{path}: line {record_line}: {e}: fix the quoting of that field") from None
    if rows == 0:
        raise BadFile(f"{path}: has a header but no rows: the source sent nothing to load")
    return rows


def raw_files(folder: Path) -> list[tuple[Path, RawTable]]:
    """The raw CSV files under a folder whose name is a contract table's (raw_<system>__<entity>.csv)."""
    return sorted((p, BY_NAME[p.stem]) for p in folder.rglob("*.csv") if p.stem in BY_NAME)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m contract.files", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("folder", type=Path, help="where the raw CSV files are (the dbt seeds: seeds)")
    a = p.parse_args(argv)
    files = raw_files(a.folder)
    problems = []
    for path, table in files:
        try:
            check_csv(path, table)
        except BadFile as e:
            problems.append(str(e))
    for problem in problems:
        print(problem, file=sys.stderr)
    if not files:
        print(f"contract: no raw CSV files under {a.folder}", file=sys.stderr)
        return 1
    print(f"contract: {len(files) - len(problems)} of {len(files)} raw files keep to the landing contract")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
