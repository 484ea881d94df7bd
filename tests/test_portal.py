"""Partner portal over HTTP: regenerate the secret, validation, delete."""

from __future__ import annotations

import re

import httpx

from tests.conftest import Live
from tests.flows import create_partner, csrf, exchange, get_code, signup


def test_regenerated_secret_replaces_the_old_one(live: Live) -> None:
    partner = create_partner(live.base_url)
    page = partner.owner.http.get(f"/admin/clients/{partner.client_id}")
    assert page.status_code == 200 and partner.client_secret not in page.text  # shown once only
    r = partner.owner.http.post(f"/admin/clients/{partner.client_id}/secret", data={"csrf": csrf(page)})
    new = re.search(r'id="client-secret">([^<]+)<', r.text)
    assert new and new.group(1) != partner.client_secret
    url = f"{live.base_url}/v3/notifications"
    assert httpx.get(url, auth=partner.auth).status_code == 401
    assert httpx.get(url, auth=(partner.client_id, new.group(1))).status_code == 204


def test_redirect_url_rules_are_enforced(live: Live) -> None:
    partner = create_partner(live.base_url)
    page = partner.owner.http.get(f"/admin/clients/{partner.client_id}")
    form = {"csrf": csrf(page), "name": "Renamed"}
    for urls, default, message in [
        ("", "", "at least one"),
        ("ftp://x.example/cb", "", "http(s)"),
        ("http://a.example/1\nhttp://a.example/2", "", "default"),
        ("http://a.example/1\nhttp://a.example/1", "http://a.example/1", "unique"),
        ("http://a.example/1", "http://b.example/9", "default"),
    ]:
        r = partner.owner.http.post(
            f"/admin/clients/{partner.client_id}",
            data={**form, "redirect_urls": urls, "default_url": default},
        )
        assert r.status_code == 400 and message in r.text, (urls, r.text[-400:])
    # nothing changed
    assert partner.redirect_urls[0] in partner.owner.http.get(f"/admin/clients/{partner.client_id}").text


def test_deleting_a_client_stops_its_credentials_and_tokens(live: Live) -> None:
    partner = create_partner(live.base_url)
    person = signup(live.base_url)
    token = exchange(live.base_url, partner, get_code(person, partner)).json()["access_token"]
    page = partner.owner.http.get(f"/admin/clients/{partner.client_id}")
    r = partner.owner.http.post(f"/admin/clients/{partner.client_id}/delete", data={"csrf": csrf(page)})
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    assert partner.client_id not in partner.owner.http.get("/admin").text
    assert httpx.get(f"{live.base_url}/v3/notifications", auth=partner.auth).status_code == 401
    me = httpx.get(f"{live.base_url}/v3/users/{person.user_id}", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_forms_without_csrf_change_nothing(live: Live) -> None:
    partner = create_partner(live.base_url)
    r = partner.owner.http.post(f"/admin/clients/{partner.client_id}/delete", data={"csrf": "forged"})
    assert r.status_code == 303
    assert partner.owner.http.get(f"/admin/clients/{partner.client_id}").status_code == 200
    assert httpx.get(f"{live.base_url}/v3/notifications", auth=partner.auth).status_code == 204
