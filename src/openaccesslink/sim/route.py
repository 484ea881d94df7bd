"""Where outdoor sessions go: a closed loop around home, and the terrain along it.

The loop is a polygon of a few dozen "street" segments that starts and ends at home and
is scaled so that its length equals the session's distance; a point is placed by its
distance along the loop, so successive 1 Hz points are as far apart as the speed says.
The terrain is a sum of a few sine harmonics of the position on the loop, so it is
smooth and the altitude at the finish equals the altitude at the start.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000.0
M_PER_DEG = math.pi * EARTH_RADIUS_M / 180


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Terrain:
    """alt = base + sum a * (sin(k * th + p) - sin(p)) over two harmonics; th = 2 pi * loop position."""

    base_m: float
    harmonics: tuple[tuple[int, float, float], tuple[int, float, float]]  # (waves/loop, amplitude m, phase)

    def altitude(self, dist: float, loop_m: float) -> float:
        (k1, a1, p1), (k2, a2, p2) = self.harmonics
        th = math.tau * dist / loop_m
        return (
            self.base_m
            + a1 * (math.sin(k1 * th + p1) - math.sin(p1))
            + a2 * (math.sin(k2 * th + p2) - math.sin(p2))
        )

    def along(self, dists: list[float], loop_m: float, step: int = 20) -> tuple[list[float], list[float]]:
        """Altitude (0.1 m) and grade at each of a track's distances along a loop `loop_m` long.

        Exact every `step` samples, linear in between (the hills are hundreds of metres long).
        """
        n = len(dists)
        knots = [*range(0, n - 1, step), n - 1]
        heights = [self.altitude(dists[i], loop_m) for i in knots]
        alts: list[float] = []
        grades: list[float] = []
        for i0, i1, a0, a1 in zip(knots, knots[1:], heights, heights[1:], strict=False):
            span = dists[i1] - dists[i0]
            grades += [(a1 - a0) / span if span > 0 else 0.0] * (i1 - i0)
            rise = (a1 - a0) / (i1 - i0)
            alts += [a0 + rise * j for j in range(i1 - i0)]
        alts.append(heights[-1])
        grades.append(grades[-1] if grades else 0.0)
        return [(10 * a + 0.5) // 1 / 10 for a in alts], grades


def make_terrain(rng: random.Random, base_m: float, loop_m: float) -> Terrain:
    """Gentle hills (Oulu is flat): waves of roughly 3 km and 900 m along the loop."""
    k1 = max(1, round(loop_m / 3000))
    k2 = max(2, round(loop_m / 900))
    return Terrain(
        base_m,
        (
            (k1, rng.uniform(4, 14), rng.uniform(0, math.tau)),
            (k2, rng.uniform(1, 4), rng.uniform(0, math.tau)),
        ),
    )


class Loop:
    """A closed polygon through home, `length_m` long: many short segments with gentle turns."""

    def __init__(self, rng: random.Random, lat0: float, lon0: float, length_m: float) -> None:
        self.lat0, self.lon0, self.length_m = lat0, lon0, length_m
        n = rng.randint(64, 96)
        a, b, rot = rng.uniform(0, math.tau), rng.uniform(0, math.tau), rng.uniform(0, math.tau)
        pts = []
        for j in range(n):
            th = math.tau * j / n
            r = 1 + 0.12 * math.sin(2 * th + a) + 0.05 * math.sin(3 * th + b) + rng.uniform(-0.005, 0.005)
            pts.append((r * math.cos(th + rot), r * math.sin(th + rot)))
        x0, y0 = pts[0]
        pts = [(x - x0, y - y0) for x, y in pts] + [(0.0, 0.0)]
        cum = [0.0]
        for (xa, ya), (xb, yb) in zip(pts, pts[1:], strict=False):
            cum.append(cum[-1] + math.hypot(xb - xa, yb - ya))
        scale = length_m / cum[-1] if length_m > 0 else 0.0
        self._xy = [(x * scale, y * scale) for x, y in pts]
        self._cum = [c * scale for c in cum]

    def points(self, dists: list[float]) -> tuple[list[float], list[float]]:
        """Latitudes and longitudes at non-decreasing distances along the loop.

        One longitude scale (at home's latitude) for the whole loop keeps the corners exact;
        it stretches east-west distances by well under 1 % at the loop's north and south ends.
        """
        xy, cum = self._xy, self._cum
        per_lon = M_PER_DEG * math.cos(math.radians(self.lat0))
        lats: list[float] = []
        lons: list[float] = []
        lo = 0
        for j in range(len(cum) - 1):
            hi = len(dists) if j == len(cum) - 2 else bisect_left(dists, cum[j + 1], lo)
            seg = cum[j + 1] - cum[j]
            if hi <= lo or seg <= 0:
                continue
            (xa, ya), (xb, yb) = xy[j], xy[j + 1]
            lat_a, k_lat = self.lat0 + ya / M_PER_DEG, (yb - ya) / seg / M_PER_DEG
            lon_a, k_lon = self.lon0 + xa / per_lon, (xb - xa) / seg / per_lon
            c0 = cum[j]
            part = dists[lo:hi]
            lats += [lat_a + (d - c0) * k_lat for d in part]
            lons += [lon_a + (d - c0) * k_lon for d in part]
            lo = hi
        return lats, lons
