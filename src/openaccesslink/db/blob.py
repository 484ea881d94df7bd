"""Compact storage of documents and sample series: orjson, then zlib."""

from __future__ import annotations

import zlib
from typing import Any

import orjson


def pack(value: Any) -> bytes:
    return zlib.compress(orjson.dumps(value), 6)


def unpack(blob: bytes) -> Any:
    return orjson.loads(zlib.decompress(blob))
