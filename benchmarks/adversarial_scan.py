"""Print how the DLP engine's scan time grows on adversarial input, shape by shape.

Each shape is a way to make some detector's patterns or checks do the most work per byte:
armor headers followed by long runs, digit runs and separators, keywords repeated back to
back, long base64, long letter runs right after a keyword. Every shape is built at 16 KB and
at 1 MB (64 times the bytes) and scanned; the ratio of the two times is about 64 when the
engine is linear and about 4,096 when it is quadratic.

    python benchmarks/adversarial_scan.py [--small 16000] [--large 1024000] [--repeat 3]
                                          [--only SUBSTRING]

The small input is scanned `large // small` times in a row, so both timings cover the same
number of bytes and neither is dominated by the timer or by the per-call overhead; the ratio
printed is scaled back to the raw one (linear = large / small). Times are medians of
`--repeat` rounds. tests/security/test_scan_linear.py runs the same shapes at 16 KB and
256 KB and fails when a shape grows more than twice as fast as linear.

Measured on the 2-core development machine (issue 13), before the fix: a
`BEGIN … PRIVATE KEY` header followed by one long line of letters took 0.4 s at 16 KB, 9 s at
64 KB and 155 s at 256 KB.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from scanners import Engine, load_engine

__all__ = ["MEASURABLE", "SHAPES", "Shape", "growth", "judged_growth", "main"]

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Below this time at the large size, a ratio measures CPU caches (16 KB fits in L2, 1 MB
# does not), not the algorithm; such shapes are reported apart.
MEASURABLE = 0.02
_BASE64 = _LETTERS + "0123456789+/"


def _run(alphabet: str, size: int) -> str:
    """`size` characters cycling through `alphabet` (no long runs of one character)."""
    return (alphabet * (size // len(alphabet) + 1))[:size]


@dataclass(frozen=True, slots=True)
class Shape:
    """An adversarial input: `head`, then `unit` repeated (or a run of `alphabet`) to size."""

    name: str
    unit: str = ""
    head: str = ""
    alphabet: str = ""
    tail: str = ""

    def build(self, size: int) -> str:
        """The input of about `size` characters."""
        room = max(0, size - len(self.head) - len(self.tail))
        body = _run(self.alphabet, room) if self.alphabet else self.unit * (room // len(self.unit))
        return self.head + body + self.tail


def _repeated(*units: str) -> list[Shape]:
    return [Shape(f"repeat {unit!r}", unit=unit) for unit in units]


def _after(*heads: str, alphabet: str = _LETTERS, label: str = "letters") -> list[Shape]:
    return [Shape(f"{head!r} + {label}", head=head, alphabet=alphabet) for head in heads]


SHAPES: tuple[Shape, ...] = (
    # armor headers (private-key) followed by long runs, and repeated
    *_after(
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\\n",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n",
        "PuTTY-User-Key-File-2: ssh-rsa\n",
        "PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 3\n",
        "> -----BEGIN RSA PRIVATE KEY-----\n> ",
    ),
    *_after("-----BEGIN RSA PRIVATE KEY-----\n", alphabet=_BASE64, label="base64"),
    Shape("header + base64 lines", head="-----BEGIN PRIVATE KEY-----\n", unit="A" * 63 + "b\n"),
    Shape("header + quoted lines", head="> -----BEGIN PRIVATE KEY-----\n", unit="> Ab12Cd34\n"),
    Shape("header + spaced tokens", head="-----BEGIN PRIVATE KEY----- ", unit="Ab12Cd34 "),
    Shape("header + blank lines", head="-----BEGIN PRIVATE KEY-----", unit="\n"),
    Shape("header + escapes", head="-----BEGIN PRIVATE KEY-----", unit="\\\\r\\\\n"),
    Shape("header + headers", head="-----BEGIN RSA PRIVATE KEY-----\n", unit="Proc-Type: 4\n"),
    *_repeated(
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n" + "Ab1/" * 20 + "\n",
        "-----END RSA PRIVATE KEY-----\n",
        "PuTTY-User-Key-File-2: ssh-rsa\n",
        "Private-Lines: 9\n",
    ),
    # digit runs (card, SSN, phone, IP)
    Shape("digits", alphabet="0123456789"),
    Shape("one digit", unit="1"),
    *_repeated("4111 ", "1-", "1.", "1 ", "+1 ", "(415) 555-0123 ", "123-45-6789 ", "1.2.3.4."),
    *_repeated("4111 1111 1111 1111 ", "10.0.0.1 ", "::", "fe80::1 ", "1:2:3:4:5:6:7:8 "),
    # separators
    *_repeated("-", ".", ":", "/", "\\", "@", "=", " ", "\n", "\\n", "_", "a.", "a@", "@a.co "),
    # repeated keywords
    *_repeated(
        "password=",
        "password: ",
        "my password is ",
        "password is password is ",
        "Passwort lautet ",
        "api_key=",
        "secret: ",
        "Bearer ",
        "Basic ",
        "sk-ant-api03-",
        "ghp_",
        "xoxb-",
        "AKIA",
        "eyJ",
        "eyJhbGciOiJIUzI1NiJ9.",
        "curl -u ",
        "mysql -p",
        "docker login -p ",
        "machine a login b password ",
        "https://",
        "user:pass@",
        "login is admin / ",
        "パスワードは",
        "aws_secret_access_key = ",
    ),
    # long base64 after keywords
    *_after(
        "Basic ",
        "Bearer ",
        "eyJ",
        "sk-ant-api03-",
        "api_key=",
        "aws_secret_access_key = ",
        alphabet=_BASE64,
        label="base64",
    ),
    # long letter runs after keywords
    *_after(
        "password=",
        'password: "',
        "my password is ",
        "--password ",
        "api_key: ",
        "ghp_",
        "xoxb-1-",
        "postgres://",
        "postgres://user:",
        "curl -u user:",
        "machine a login b password ",
        "Kennwort ",
        "user ",
        "<password>",
    ),
    Shape("letters then @", alphabet=_LETTERS, tail="@example.com"),
    Shape("letters", alphabet=_LETTERS),
)


def _elapsed(engine: Engine, text: str, times: int) -> float:
    began = time.perf_counter()
    for _ in range(times):
        engine.scan(text)
    return time.perf_counter() - began


def growth(
    engine: Engine, shape: Shape, small: int, large: int, repeat: int
) -> tuple[float, float, float]:
    """(seconds per small input, seconds per large input, ratio); linear ratio = large/small.

    The small input is scanned large // small times per round so that both rounds cover the
    same bytes; each round measures small then large, and the ratio is the median of the
    rounds' ratios (a stall on a shared machine spoils one round, not the result).
    The cyclic garbage collector is off for the whole measurement (reference counting frees
    what a scan leaves), so no timing includes a collection. It used to run a full
    collection before every timing: in a test process that holds Airflow, DAGs and the rest
    of the suite's objects, those collections cost more than the scans they framed.
    """
    times = max(1, large // small)
    small_text, large_text = shape.build(small), shape.build(large)
    # Warm the RE2 DFA caches and the allocator (a first 1 MB scan pays page faults).
    engine.scan(small_text)
    engine.scan(large_text)
    small_times: list[float] = []
    large_times: list[float] = []
    ratios: list[float] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            small_time = _elapsed(engine, small_text, times) / times
            large_time = _elapsed(engine, large_text, 1)
            small_times.append(small_time)
            large_times.append(large_time)
            ratios.append(large_time / max(small_time, 1e-9))
    finally:
        if enabled:
            gc.enable()
    return statistics.median(small_times), statistics.median(large_times), statistics.median(ratios)


def judged_growth(engine: Engine, shape: Shape) -> tuple[float, float, float]:
    """(ratio, seconds at the large size, linear ratio) as the tests judge a shape: 16 KB vs
    256 KB, or 64 KB vs 1 MB for a shape scanned in under MEASURABLE at 256 KB; the test
    fails a measurable shape whose ratio reaches twice linear.

    Medians of three rounds.
    """
    for small, large in ((16_000, 256_000), (64_000, 1_024_000)):
        linear = large / small
        _small_time, large_time, ratio = growth(engine, shape, small, large, repeat=3)
        if large_time >= MEASURABLE:
            break
    return ratio, large_time, linear


def main(argv: list[str] | None = None, write: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=16_000)
    parser.add_argument("--large", type=int, default=1_024_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="only shapes whose name contains this")
    args = parser.parse_args(argv)

    engine = load_engine(secret=b"benchmark-secret")
    linear = args.large / args.small
    write(
        f"engine {engine.ruleset_version}: {args.small:,} vs {args.large:,} characters, "
        f"median of {args.repeat}; linear ratio = {linear:.0f}, quadratic = {linear**2:,.0f}"
    )
    write(f"{'shape':58} {'small s':>9} {'large s':>9} {'ratio':>8}")
    worst: tuple[float, str] = (0.0, "")
    worst_fast: tuple[float, str] = (0.0, "")
    for shape in SHAPES:
        if args.only and args.only not in shape.name:
            continue
        small_time, large_time, ratio = growth(engine, shape, args.small, args.large, args.repeat)
        fast = large_time < MEASURABLE
        note = "  (fast: cache effects, not growth)" if fast else ""
        write(f"{shape.name[:58]:58} {small_time:9.4f} {large_time:9.4f} {ratio:8.1f}{note}")
        if fast:
            worst_fast = max(worst_fast, (ratio, shape.name))
        else:
            worst = max(worst, (ratio, shape.name))
    write(f"worst: {worst[1]!s} ratio {worst[0]:.1f} ({worst[0] / linear:.2f} x linear)")
    if worst_fast[1]:
        write(
            f"worst under {MEASURABLE * 1000:.0f} ms at the large size: {worst_fast[1]!s} ratio "
            f"{worst_fast[0]:.1f} ({worst_fast[0] / linear:.2f} x linear)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
