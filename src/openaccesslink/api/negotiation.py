"""Content negotiation: JSON unless XML is asked for; never 406."""

from __future__ import annotations

from enum import Enum
from typing import Any

import orjson
from starlette.responses import Response

from openaccesslink.wire import xmlcodec

XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json",)


class Rep(Enum):
    JSON = "json"
    XML = "xml"


def _ranges(accept: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for part in accept.lower().split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        out.append((pieces[0], q))
    return out


def choose(accept: str | None) -> Rep:
    """XML only when an XML media type is asked for and preferred to JSON."""
    if not accept:
        return Rep.JSON
    ranges = _ranges(accept)
    xml_q = max((q for t, q in ranges if t in XML_TYPES), default=0.0)
    if xml_q <= 0:
        return Rep.JSON
    json_q = max((q for t, q in ranges if t in JSON_TYPES), default=0.0)
    return Rep.XML if xml_q > json_q else Rep.JSON


def render(
    data: dict[str, Any],
    rep: Rep,
    root: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    item_names: dict[str, str] | None = None,
) -> Response:
    if rep is Rep.XML:
        return Response(xmlcodec.dumps(root, data, item_names), status, headers, media_type="application/xml")
    return Response(orjson.dumps(data), status, headers, media_type="application/json")


def empty(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status, headers)


def flag(value: str | None) -> bool:
    """Boolean query flags: clients send `true` (also accept 1/yes, any case)."""
    return value is not None and value.strip().lower() in ("true", "1", "yes")
