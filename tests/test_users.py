"""Users (doc: Users): register, get, delete with every status the doc lists."""

from __future__ import annotations

import httpx
from lxml import etree

from tests.conftest import Live
from tests.flows import link, signup

USER_KEYS = {
    "polar-user-id",
    "member-id",
    "registration-date",
    "first-name",
    "last-name",
    "birthdate",
    "gender",
    "weight",
    "height",
    "extra-info",
}


def test_register_returns_the_user_schema(live: Live) -> None:
    person = signup(
        live.base_url,
        first_name="Eka",
        last_name="Toka",
        birthdate="1985-09-06",
        sex="MALE",
        weight="66",
        height="170",
    )
    linked = link(live.base_url, person=person, register=False)
    live.clock.set(live.clock.now().replace(microsecond=123456))
    r = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "User_id_999"}, headers=linked.bearer)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == USER_KEYS
    assert body["polar-user-id"] == person.user_id and body["member-id"] == "User_id_999"
    assert body["first-name"] == "Eka" and body["last-name"] == "Toka" and body["birthdate"] == "1985-09-06"
    assert body["gender"] == "MALE" and body["weight"] == 66 and body["height"] == 170
    assert body["registration-date"] == live.clock.now().strftime("%Y-%m-%dT%H:%M:%S.123Z")


def test_register_with_xml_body_and_xml_answer(live: Live) -> None:
    linked = link(live.base_url, register=False)
    xml = b'<?xml version="1.0" encoding="UTF-8" ?>\n<register><member-id>xml-member</member-id></register>'
    r = httpx.post(
        f"{live.base_url}/v3/users",
        content=xml,
        headers={**linked.bearer, "Content-Type": "application/xml", "Accept": "application/xml"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(r.content)
    assert root.tag == "user"
    assert root.findtext("polar-user-id") == str(linked.person.user_id)
    assert root.findtext("member-id") == "xml-member"
    assert [child.tag for child in root][:3] == ["polar-user-id", "member-id", "registration-date"]


def test_duplicate_registration_and_member_id_are_409_without_body(live: Live) -> None:
    first = link(live.base_url)
    again = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "another"}, headers=first.bearer)
    assert again.status_code == 409 and again.content == b""
    taken = httpx.get(f"{live.base_url}/v3/users/{first.person.user_id}", headers=first.bearer).json()[
        "member-id"
    ]
    second = link(live.base_url, partner=first.partner, register=False)
    dup = httpx.post(f"{live.base_url}/v3/users", json={"member-id": taken}, headers=second.bearer)
    assert dup.status_code == 409 and dup.content == b""
    # the same member-id is fine at another partner
    third = link(live.base_url, register=False)
    ok = httpx.post(f"{live.base_url}/v3/users", json={"member-id": taken}, headers=third.bearer)
    assert ok.status_code == 200


def test_get_unknown_or_unregistered_user_is_204_without_body(live: Live) -> None:
    linked = link(live.base_url, register=False)
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    r = httpx.get(me, headers=linked.bearer)
    assert r.status_code == 204 and r.content == b""
    r = httpx.get(f"{live.base_url}/v3/users/999999999", headers=linked.bearer)
    assert r.status_code == 204 and r.content == b""


def test_missing_consent_is_403_without_body(live: Live) -> None:
    person = signup(live.base_url, consents=False)
    linked = link(live.base_url, person=person, register=False)
    r = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "m"}, headers=linked.bearer)
    assert r.status_code == 403 and r.content == b""
    page = person.http.get("/account/consents")
    from tests.flows import csrf

    data = {
        "csrf": csrf(page),
        "consent_profile": "1",
        "consent_training": "1",
        "consent_activity": "1",
        "consent_sleep": "1",
        "consent_heart_rate": "1",
        "consent_sleepwise": "1",
        "consent_biosensing": "1",
        "consent_cardio_load": "1",
    }
    assert person.http.post("/account/consents", data=data).status_code == 200
    r = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "m"}, headers=linked.bearer)
    assert r.status_code == 200
    del data["consent_sleep"]
    person.http.post("/account/consents", data=data)
    r = httpx.get(f"{live.base_url}/v3/users/{person.user_id}", headers=linked.bearer)
    assert r.status_code == 403 and r.content == b""


def test_delete_revokes_the_token_and_allows_a_new_registration_after_new_consent(live: Live) -> None:
    linked = link(live.base_url)
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    assert httpx.delete(me, headers=linked.bearer).status_code == 204
    assert httpx.get(me, headers=linked.bearer).status_code == 401
    relinked = link(live.base_url, person=linked.person, partner=linked.partner)
    assert httpx.get(me, headers=relinked.bearer).status_code == 200


def test_disconnect_in_account_pages_revokes_the_partner(live: Live) -> None:
    linked = link(live.base_url)
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    page = linked.person.http.get("/account/partners")
    assert page.status_code == 200 and "Disconnect" in page.text
    import re

    from tests.flows import csrf

    action = re.search(r'action="(/account/partners/\d+/disconnect)"', page.text)
    assert action
    r = linked.person.http.post(action.group(1), data={"csrf": csrf(page)})
    assert r.status_code == 303
    assert httpx.get(me, headers=linked.bearer).status_code == 401
    assert "No partner has access" in linked.person.http.get("/account/partners").text


def test_trailing_slash_is_served_without_redirect(live: Live) -> None:
    linked = link(live.base_url)
    r = httpx.get(f"{live.base_url}/v3/users/{linked.person.user_id}/", headers=linked.bearer)
    assert r.status_code == 200 and r.json()["polar-user-id"] == linked.person.user_id


def test_accept_negotiation_is_lenient(live: Live) -> None:
    linked = link(live.base_url)
    me = f"{live.base_url}/v3/users/{linked.person.user_id}"
    for accept, kind in [
        ("Application/JSON", "json"),
        ("*/*", "json"),
        ("", "json"),
        ("text/html", "json"),
        ("application/xml", "xml"),
        ("TEXT/XML", "xml"),
        ("application/json, application/xml", "json"),
        ("application/json;q=0.5, application/xml", "xml"),
    ]:
        r = httpx.get(me, headers={**linked.bearer, "Accept": accept, "Content-Type": "application/json"})
        assert r.status_code == 200, accept
        assert kind in r.headers["content-type"], accept
