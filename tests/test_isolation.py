"""Partners see only their own users; a token reaches only its own user."""

from __future__ import annotations

import httpx

from tests.conftest import Live
from tests.flows import link, signup


def test_partner_b_cannot_see_or_delete_partner_a_users(live: Live) -> None:
    a = link(live.base_url)
    b = link(live.base_url)  # another person at another partner
    a_user = f"{live.base_url}/v3/users/{a.person.user_id}"
    r = httpx.get(a_user, headers=b.bearer)
    assert r.status_code == 204 and r.content == b""
    assert httpx.delete(a_user, headers=b.bearer).status_code == 204
    assert httpx.get(a_user, headers=a.bearer).status_code == 200  # untouched


def test_same_person_at_two_partners_has_two_views(live: Live) -> None:
    person = signup(live.base_url)
    at_a = link(live.base_url, person=person)
    at_b = link(live.base_url, person=person)
    me = f"{live.base_url}/v3/users/{person.user_id}"
    member_a = httpx.get(me, headers=at_a.bearer).json()["member-id"]
    member_b = httpx.get(me, headers=at_b.bearer).json()["member-id"]
    assert member_a != member_b
    assert httpx.delete(me, headers=at_a.bearer).status_code == 204
    assert httpx.get(me, headers=at_a.bearer).status_code == 401
    assert httpx.get(me, headers=at_b.bearer).status_code == 200


def test_user_x_token_cannot_read_user_y(live: Live) -> None:
    x = link(live.base_url)
    y = link(live.base_url, partner=x.partner)
    r = httpx.get(f"{live.base_url}/v3/users/{y.person.user_id}", headers=x.bearer)
    assert r.status_code == 204 and r.content == b""
    assert httpx.get(f"{live.base_url}/v3/users/{y.person.user_id}", headers=y.bearer).status_code == 200


def test_portal_shows_only_own_clients(live: Live) -> None:
    a = link(live.base_url)
    b = link(live.base_url)
    own = a.partner.owner.http.get(f"/admin/clients/{a.partner.client_id}")
    assert own.status_code == 200 and a.partner.client_id in own.text
    foreign = b.partner.owner.http.get(f"/admin/clients/{a.partner.client_id}")
    assert foreign.status_code == 404 and a.partner.client_id not in foreign.text
    listing = b.partner.owner.http.get("/admin")
    assert a.partner.client_id not in listing.text and b.partner.client_id in listing.text
