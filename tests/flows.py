"""HTTP helpers that act as a person in a browser, a developer in the portal, and a partner's client."""

from __future__ import annotations

import html
import itertools
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_seq)}-{uuid.uuid4().hex[:8]}"


def csrf(page: httpx.Response) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m, f"no CSRF field on {page.url}"
    return m.group(1)


def hidden_fields(page: httpx.Response) -> dict[str, str]:
    return {
        k: html.unescape(v)
        for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    }


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class Person:
    """A browser session of one account."""

    http: httpx.Client
    email: str
    password: str
    user_id: int


def signup(base_url: str, *, consents: bool = True, **profile: str) -> Person:
    email = f"{unique('user')}@example.test"
    password = "correct horse battery"
    client = httpx.Client(base_url=base_url)
    page = client.get("/signup")
    data = {
        "csrf": csrf(page),
        "next": "/account",
        "email": email,
        "password": password,
        "first_name": profile.get("first_name", "Ada"),
        "last_name": profile.get("last_name", "Lovelace"),
        "birthdate": profile.get("birthdate", "1990-05-17"),
        "sex": profile.get("sex", "FEMALE"),
        "weight": profile.get("weight", "60.5"),
        "height": profile.get("height", "170"),
    }
    if consents:
        for key in (
            "profile",
            "training",
            "activity",
            "sleep",
            "heart_rate",
            "sleepwise",
            "biosensing",
            "cardio_load",
        ):
            data[f"consent_{key}"] = "1"
    r = client.post("/signup", data=data)
    assert r.status_code == 303, r.text
    account = client.get("/account")
    m = re.search(r'id="user-id">(\d+)<', account.text)
    assert m
    return Person(client, email, password, int(m.group(1)))


@dataclass
class Partner:
    client_id: str
    client_secret: str
    redirect_urls: list[str]
    owner: Person

    @property
    def auth(self) -> tuple[str, str]:
        return (self.client_id, self.client_secret)


def create_partner(
    base_url: str,
    redirect_urls: list[str] | None = None,
    default_url: str | None = None,
    name: str | None = None,
) -> Partner:
    owner = signup(base_url)
    urls = redirect_urls or [f"http://localhost:5000/{unique('cb')}"]
    page = owner.http.get("/admin/clients/new")
    r = owner.http.post(
        "/admin/clients/new",
        data={
            "csrf": csrf(page),
            "name": name or unique("Partner app"),
            "contact_email": "dev@example.test",
            "description": "test partner",
            "redirect_urls": "\n".join(urls),
            "default_url": default_url or "",
        },
    )
    assert r.status_code == 200, r.text
    client_id = re.search(r'id="client-id">([^<]+)<', r.text)
    secret = re.search(r'id="client-secret">([^<]+)<', r.text)
    assert client_id and secret
    return Partner(client_id.group(1), secret.group(1), urls, owner)


def authorize(person: Person, partner: Partner, decision: str = "allow", **params: str) -> httpx.Response:
    """Open the authorization URL as the signed-in person and click Allow/Deny. Returns the final 302."""
    query = {"response_type": "code", "client_id": partner.client_id, **params}
    page = person.http.get("/oauth2/authorization", params=query)
    assert page.status_code == 200, page.text
    form = hidden_fields(page)
    form["decision"] = decision
    return person.http.post("/oauth2/authorization", data=form)


def get_code(person: Person, partner: Partner, **params: str) -> str:
    r = authorize(person, partner, **params)
    assert r.status_code == 302, r.text
    return query_of(r.headers["location"])["code"]


def exchange(base_url: str, partner: Partner, code: str, **form: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/v2/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, **form},
        auth=partner.auth,
        headers={"Accept": "application/json"},
    )


@dataclass
class Linked:
    person: Person
    partner: Partner
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def link(
    base_url: str, person: Person | None = None, partner: Partner | None = None, register: bool = True
) -> Linked:
    """The whole flow: authorize, exchange, register."""
    person = person or signup(base_url)
    partner = partner or create_partner(base_url)
    r = exchange(base_url, partner, get_code(person, partner))
    assert r.status_code == 200, r.text
    linked = Linked(person, partner, r.json()["access_token"])
    if register:
        reg = httpx.post(f"{base_url}/v3/users", json={"member-id": unique("member")}, headers=linked.bearer)
        assert reg.status_code == 200, reg.text
    return linked
