"""Bad input gets a 4xx in the error shape, nothing is stored, the server keeps serving."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Live
from tests.flows import link

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<register><member-id>&lol3;</member-id></register>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><register><member-id>&xxe;</member-id></register>"""


def assert_error_shape(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert set(error) == {"timestamp", "status", "error_type", "message", "corr_id"}
    assert error["status"] == status and error["message"] and len(error["corr_id"]) == 36


@pytest.mark.parametrize(
    ("content", "ctype", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[]", "application/json", 400),
        (b'{"member-id": 12}', "application/json", 400),
        (b'{"member-id": null}', "application/json", 400),
        (b'{"member-id": ""}', "application/json", 400),
        (b'{"member-id": "' + b"x" * 300 + b'"}', "application/json", 400),
        (b"{}", "application/json", 400),
        (b"", "application/json", 400),
        (b"<register><member-id>unclosed</register>", "application/xml", 400),
        (b"<other><member-id>m</member-id></other>", "application/xml", 400),
        (BOMB, "application/xml", 400),
        (EXTERNAL, "application/xml", 400),
        (b"member-id=m", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe\x00garbage", "application/json", 400),
    ],
)
def test_bad_register_bodies(live: Live, content: bytes, ctype: str, status: int) -> None:
    linked = link(live.base_url, register=False)
    r = httpx.post(
        f"{live.base_url}/v3/users", content=content, headers={**linked.bearer, "Content-Type": ctype}
    )
    assert_error_shape(r, status)
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    assert httpx.get(me, headers=linked.bearer).status_code == 204  # nothing stored
    ok = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "after-bad-input"}, headers=linked.bearer)
    assert ok.status_code == 200  # the server keeps serving


def test_oversized_bodies_are_413(live: Live) -> None:
    linked = link(live.base_url, register=False)
    big = b'{"member-id": "' + b"x" * (live.settings.max_body_bytes + 10) + b'"}'
    r = httpx.post(
        f"{live.base_url}/v3/users",
        content=big,
        headers={**linked.bearer, "Content-Type": "application/json"},
    )
    assert_error_shape(r, 413)

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(40):
            yield b"x" * 65536

    r = httpx.post(
        f"{live.base_url}/v3/users",
        content=chunks(),
        headers={**linked.bearer, "Content-Type": "application/json"},
    )
    assert_error_shape(r, 413)
    assert (
        httpx.get(f"{live.base_url}/v3/users/{linked.person.user_id}", headers=linked.bearer).status_code
        == 204
    )


def test_wrong_ids_and_unknown_paths(live: Live) -> None:
    linked = link(live.base_url)
    assert_error_shape(httpx.get(f"{live.base_url}/v3/users/abc", headers=linked.bearer), 400)
    assert_error_shape(httpx.get(f"{live.base_url}/v3/users/1.5", headers=linked.bearer), 400)
    assert_error_shape(httpx.get(f"{live.base_url}/v3/nothing-here", headers=linked.bearer), 404)
    assert_error_shape(httpx.put(f"{live.base_url}/v3/users", headers=linked.bearer), 405)
    r = httpx.get(f"{live.base_url}/v3/users/{2**70}", headers=linked.bearer)
    assert r.status_code in (204, 400)


def test_errors_are_xml_when_xml_is_asked_for(live: Live) -> None:
    linked = link(live.base_url, register=False)
    r = httpx.post(
        f"{live.base_url}/v3/users",
        content=b"<register>",
        headers={**linked.bearer, "Content-Type": "application/xml", "Accept": "application/xml"},
    )
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/xml")
    from lxml import etree

    root = etree.fromstring(r.content)
    assert root.tag == "error" and root.findtext("status") == "400" and root.findtext("corr_id")
