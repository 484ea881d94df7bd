"""Rules about the code itself."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "openaccesslink"
FORBIDDEN = re.compile(r"datetime\.now\(|datetime\.utcnow\(|date\.today\(|time\.time\(\)|datetime\.today\(")


def test_only_the_clock_reads_the_system_time() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.name != "clock.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert offenders == []
    assert FORBIDDEN.search("x = datetime.now(UTC)")  # the pattern does catch a call


def test_web_framework_stays_at_the_edge() -> None:
    for package in ("core", "domains", "db", "wire"):
        for path in (SRC / package).rglob("*.py"):
            text = path.read_text()
            assert "fastapi" not in text and "starlette" not in text, path
