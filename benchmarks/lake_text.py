"""Print what the lake writer's text cleaning costs: rows → Arrow → Parquet, clean and dirty.

Rows shaped like `chat_messages` (message text, a list of file ids, raw_json), the clean
case all valid text, the dirty case with one lone surrogate and one NUL in the whole table.
Figures, best of `--repeat`, single-threaded, in the same run:
  arrow   pa.Table.from_pylist(rows) alone: the floor, what any writer pays
  clean   lake.text.to_arrow(rows): the conversion plus the text check (clean rows: the
          difference to the floor is what every write pays)
  check   lake.text.to_arrow(arrow_table) on the clean rows already in Arrow: the text
          check alone (the NUL scan of every string column), measured without the noise
          of the conversion
  write   write_interval(rows) end to end (conversion, text check, Parquet, manifest)

    python benchmarks/lake_text.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from claude_compliance.lake import text
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import write_interval

DAY = Interval(datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
NOW = datetime(2026, 11, 26, 1, tzinfo=UTC)


def rows(count: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        text = f"message {i}: could you review the deployment notes for service-{i % 97}, thanks"
        out.append(
            {
                "message_id": f"msg_{i:09d}",
                "chat_id": f"chat_{i // 20:07d}",
                "role": "user" if i % 2 else "assistant",
                "created_at": NOW,
                "text": text,
                "file_ids": [f"file_{i:09d}"] if i % 10 == 0 else [],
                "tombstone": None,
                "raw_json": f'{{"id": "msg_{i:09d}", "role": "user", "text": "{text}"}}',
                "key_id": "ck_bench",
                "synced_at": NOW,
            }
        )
    return out


def best(repeat: int, work: Any) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the writer's warning about the dirty rows
    schema = RAW["chat_messages"]
    clean = rows(args.rows)
    dirty = [dict(row) for row in clean]
    dirty[args.rows // 2]["text"] = "broken \ud83d emoji"
    dirty[args.rows // 3]["raw_json"] = '{"text": "nul \\u0000 here"}'
    dirty[args.rows // 4]["text"] = "a NUL \x00 byte"
    with tempfile.TemporaryDirectory() as tmp:
        lake = Path(tmp)

        def write(data: list[dict[str, Any]]) -> None:
            write_interval(lake, "raw", "chat_messages", "ck_bench", DAY, data, schema)

        floor = best(args.repeat, lambda: pa.Table.from_pylist(clean, schema=schema))
        converted = best(args.repeat, lambda: text.to_arrow(clean, schema))
        arrow = pa.Table.from_pylist(clean, schema=schema)
        check = best(args.repeat, lambda: text.to_arrow(arrow, schema))
        clean_s = best(args.repeat, lambda: write(clean))
        print(f"rows {args.rows:,}, best of {args.repeat}")
        print(f"  arrow  from_pylist (floor)   {floor:7.3f} s")
        print(f"  clean  to_arrow, clean rows  {converted:7.3f} s")
        print(f"  check  to_arrow, Arrow table {check:7.3f} s")
        dirty_converted = best(args.repeat, lambda: text.to_arrow(dirty, schema))
        print(f"  clean  to_arrow, dirty rows  {dirty_converted:7.3f} s")
        print(f"  write  clean rows            {clean_s:7.3f} s")
        dirty_s = best(args.repeat, lambda: write(dirty))
        print(f"  write  dirty rows            {dirty_s:7.3f} s")


if __name__ == "__main__":
    main()
