"""Polar's own OpenAPI file (April 2026), used to validate payloads against its component schemas."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker

SPEC_PATH = Path(__file__).resolve().parent / "spec" / "accesslink-openapi-2026.yaml"


# Where the file contradicts its own examples and the documentation, we follow the doc
# (behaviour-notes: the doc is the contract). Corrections are applied when it is loaded:
# 1. `format` keywords whose own example does not satisfy them (date-times and clock times
#    marked `format: date`) are dropped, keeping the type check.
# 2. continuous-heartrate.heart_rate_samples is a list of {heart_rate, sample_time} in the
#    doc's examples (sample_time a clock time); the file says a single object of dates.
ERRATA: list[str] = []


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    _drop_contradicted_formats(loaded, "", FormatChecker())
    samples = loaded["components"]["schemas"]["continuous-heartrate"]["properties"]["heart_rate_samples"]
    if samples.get("type") == "object":
        samples["properties"]["sample_time"].pop("format", None)  # a clock time, "00:02:08"
        loaded["components"]["schemas"]["continuous-heartrate"]["properties"]["heart_rate_samples"] = {
            "type": "array",
            "items": samples,
        }
        ERRATA.append("continuous-heartrate.heart_rate_samples: object -> array of objects")
    return loaded


def _drop_contradicted_formats(node: Any, path: str, checker: FormatChecker) -> None:
    if isinstance(node, dict):
        fmt, example = node.get("format"), node.get("example")
        if isinstance(fmt, str) and isinstance(example, str) and not checker.conforms(example, fmt):
            del node["format"]
            ERRATA.append(f"{path}: format {fmt} contradicts example {example!r}")
        for key, value in node.items():
            _drop_contradicted_formats(value, f"{path}/{key}", checker)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _drop_contradicted_formats(value, f"{path}/{i}", checker)


@cache
def validator(schema_name: str) -> Draft202012Validator:
    """A validator for components/schemas/<schema_name>, refs resolved inside the same file."""
    components = spec()["components"]
    if schema_name not in components["schemas"]:
        raise KeyError(f"no schema {schema_name!r} in the OpenAPI file")
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    return Draft202012Validator(root, format_checker=FormatChecker())


def errors(schema_name: str, value: Any) -> list[str]:
    """Human-readable problems, empty when `value` matches the schema."""
    found = []
    for err in sorted(validator(schema_name).iter_errors(value), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        found.append(f"{where}: {err.message}")
    return found
