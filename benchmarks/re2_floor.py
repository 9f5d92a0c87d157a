"""The floor of scan_throughput.py: the bare RE2 Set over every text of a JSONL file.

Usage: python re2_floor.py CORPUS.jsonl PATTERNS.json; prints how many texts matched.
Run as its own process so its timing includes start-up, like the CLI it is compared with.
"""

from __future__ import annotations

import json
import sys

import re2


def main(corpus: str, pattern_file: str) -> None:
    options = re2.Options()
    options.max_mem = 256 << 20
    patterns = re2.Set.SearchSet(options)
    with open(pattern_file, encoding="utf-8") as handle:
        for pattern in json.load(handle):
            patterns.Add(pattern)
    patterns.Compile()
    match = patterns.Match
    hits = 0
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            if match(json.loads(line)["text"].encode("utf-8")):
                hits += 1
    print(hits)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
