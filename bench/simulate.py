"""Time the simulator: `simulate(seed, users=100, days=30)` consumed to the last item.

Prints wall and CPU seconds, items per second and 1 Hz exercise samples per second
against the target (100 users x 30 days in at most 60 s). Never asserts a timing.
A second run splits the users over `--processes` worker processes (users are
independent: `simulate_user(seed, i, ...)`), which is how a consumer uses more cores.

    .venv/bin/python bench/simulate.py [--users 100] [--days 30] [--seed 1] [--processes 2]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from openaccesslink.formats.model import ExerciseData
from openaccesslink.sim import SimItem, simulate, simulate_user

TARGET_S = 60.0
END = date(2026, 10, 31)


def _count(items: Iterable[SimItem], families: Counter[str]) -> int:
    samples = 0
    for item in items:
        families[item.family] += 1
        if isinstance(item.payload, ExerciseData):
            rates = (len(s.values) for s in item.payload.samples.values() if s.recording_rate)
            samples += max(rates, default=0)
    return samples


def _shard(job: tuple[int, range, int]) -> tuple[Counter[str], int]:
    seed, indices, days = job
    families: Counter[str] = Counter()
    samples = sum(_count(simulate_user(seed, i, days, END).items, families) for i in indices)
    return families, samples


def _report(label: str, wall: float, cpu: float | None, families: Counter[str], samples: int) -> None:
    items = sum(families.values())
    cpu_text = f", cpu {cpu:.1f} s" if cpu is not None else ""
    print(f"{label}: wall {wall:.1f} s{cpu_text} (target <= {TARGET_S:.0f} s for 100 users x 30 days)")
    rates = f"{items / wall:.0f} items/s; {samples} 1 Hz exercise samples, {samples / wall:.0f}/s"
    print(f"  {items} items, {rates}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2, help="0 skips the multi-process run")
    args = parser.parse_args()
    print(f"simulate(seed={args.seed}, users={args.users}, days={args.days}), every item consumed")

    families: Counter[str] = Counter()
    wall, cpu = time.perf_counter(), time.process_time()
    samples = sum(_count(user.items, families) for user in simulate(args.seed, args.users, args.days, END))
    _report("one process", time.perf_counter() - wall, time.process_time() - cpu, families, samples)
    print("  " + ", ".join(f"{family} {count}" for family, count in sorted(families.items())))

    if args.processes > 1:
        jobs = [(args.seed, range(k, args.users, args.processes), args.days) for k in range(args.processes)]
        wall = time.perf_counter()
        with ProcessPoolExecutor(args.processes) as pool:
            results = list(pool.map(_shard, jobs))
        merged: Counter[str] = Counter()
        for part, _ in results:
            merged.update(part)
        label = f"{args.processes} processes (users split)"
        _report(label, time.perf_counter() - wall, None, merged, sum(n for _, n in results))
        if merged != families:
            print("  !! the split run produced different items")


if __name__ == "__main__":
    main()
