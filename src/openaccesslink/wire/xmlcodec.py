"""XML in and out, shaped like the doc's XML examples.

Parsing goes through defusedxml with DTDs forbidden, so entity expansion
("billion laughs") and external entities are refused before anything is read.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException


class XmlError(ValueError):
    pass


def dumps(
    root: str, data: dict[str, Any] | list[Any] | None, item_names: dict[str, str] | None = None
) -> bytes:
    """dict -> <root>...</root>; lists repeat the element named by their key (or by
    item_names[key], e.g. physical-informations -> physical-information); None is left out."""
    element = Element(root)
    if isinstance(data, dict):
        _fill(element, {(item_names or {}).get(k, k): v for k, v in data.items()})
    elif isinstance(data, list):
        for item in data:
            _append(element, "item", item)
    return b'<?xml version="1.0" encoding="UTF-8" ?>\n' + tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def _fill(element: Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                _append(element, key, item)
        else:
            _append(element, key, value)


def _append(parent: Element, key: str, value: Any) -> None:
    if value is None:
        return
    child = SubElement(parent, key)
    if isinstance(value, dict):
        _fill(child, value)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    else:
        child.text = str(value)


def loads_flat(body: bytes, root: str) -> dict[str, str | None]:
    """Parse <root><a>1</a>...</root> into {"a": "1"}; refuses DTDs and entities."""
    try:
        element = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlError("XML with a DTD or entities is not accepted") from exc
    except SafeET.ParseError as exc:
        raise XmlError(f"malformed XML: {exc}") from exc
    if element.tag != root:
        raise XmlError(f"expected a <{root}> document, got <{element.tag}>")
    result: dict[str, str | None] = {}
    for child in element:
        if len(child):
            raise XmlError(f"<{child.tag}> must hold text, not elements")
        result[child.tag] = child.text
    return result
