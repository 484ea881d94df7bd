"""Benchmark import_fit against Garmin's FIT SDK decoder alone, on a 3-hour 1 Hz activity.

    .venv/bin/python bench/import_fit.py [--repeat 5] [--fit existing.fit] [--keep PATH]

1. Builds the FIT file once with Garmin's JavaScript SDK encoder: tests/fixtures/fitgen/make_fixtures.mjs
   --bench (10,800 records with heart rate, speed, cadence, altitude, power, distance and position),
   installing @garmin/fitsdk with npm into a cache directory under the system temp dir (never into the
   repository). Needs node and npm; or pass --fit with a file made earlier.
2. Times, alternately and `--repeat` times each, (a) the SDK decode alone:
   Decoder(Stream.from_byte_array(data)).read(), and (b) openaccesslink.formats.fit_import.import_fit.
3. Prints min and median of both and the median ratio import/decode next to its target (<= 1.5).
   Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from garmin_fit_sdk import Decoder, Stream

from openaccesslink.formats.fit_import import import_fit

ROOT = Path(__file__).resolve().parent.parent
FITGEN = ROOT / "tests" / "fixtures" / "fitgen"
CACHE = Path(tempfile.gettempdir()) / "openaccesslink-fitgen"
TARGET_RATIO = 1.5


def build_fit(out: Path) -> None:
    CACHE.mkdir(exist_ok=True)
    for name in ("package.json", "make_fixtures.mjs"):
        shutil.copy2(FITGEN / name, CACHE / name)
    if not (CACHE / "node_modules" / "@garmin" / "fitsdk").is_dir():
        print(f"installing @garmin/fitsdk into {CACHE} ...", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=CACHE, check=True)
    subprocess.run(["node", "make_fixtures.mjs", "--bench", str(out)], cwd=CACHE, check=True)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fit", type=Path, help="use this FIT file instead of generating one")
    parser.add_argument("--keep", type=Path, help="also save the generated FIT file here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.fit or Path(tmp) / "bench_3h.fit"
        if args.fit is None:
            build_fit(path)
            if args.keep:
                shutil.copy2(path, args.keep)
        data = path.read_bytes()

    exercise = import_fit(data)  # warm-up, and a check that the file is what we think it is
    records = len(Decoder(Stream.from_byte_array(bytearray(data))).read()[0].get("record_mesgs", []))
    points = len(exercise.route)
    print(
        f"file: {len(data):,} bytes, {records:,} records, {exercise.duration_s:g} s, {points:,} route points"
    )

    decode: list[float] = []
    ours: list[float] = []
    for _ in range(args.repeat):
        decode.append(timed(lambda: Decoder(Stream.from_byte_array(data)).read()))
        ours.append(timed(lambda: import_fit(data)))

    for label, runs in (("SDK decode alone", decode), ("import_fit", ours)):
        print(
            f"{label:>17}: min {min(runs) * 1000:7.1f} ms   median {statistics.median(runs) * 1000:7.1f} ms"
        )
    ratio = statistics.median(ours) / statistics.median(decode)
    verdict = "within" if ratio <= TARGET_RATIO else "ABOVE"
    print(f"ratio import_fit / decode (median): {ratio:.2f}x  ({verdict} the {TARGET_RATIO}x target)")
    print(f"python {sys.version.split()[0]}, {args.repeat} repetitions each, interleaved")


if __name__ == "__main__":
    main()
