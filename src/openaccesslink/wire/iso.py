"""ISO-8601 durations as AccessLink writes them: PT2H44M45S."""

from __future__ import annotations


def duration(seconds: float) -> str:
    if seconds <= 0:
        return "PT0S"
    whole = int(seconds)
    frac = round(seconds - whole, 3)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if secs or frac or out == "PT":
        out += f"{secs + frac:g}S" if frac else f"{secs}S"
    return out
