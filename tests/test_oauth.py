"""The authorization-code flow over HTTP, every error case of behaviour-notes, replay and races."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from tests.conftest import Live
from tests.flows import Partner, authorize, create_partner, exchange, get_code, link, query_of, signup

PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B


def test_whole_flow_sign_in_consent_token_register_get_delete(live: Live) -> None:
    partner = create_partner(live.base_url, name="Trail Coach & Co")
    person = signup(live.base_url)
    anonymous = httpx.Client(base_url=live.base_url)
    query = {
        "response_type": "code",
        "client_id": partner.client_id,
        "state": "s-1",
        "approval_prompt": "force",
    }
    first = anonymous.get("/oauth2/authorization", params=query)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")

    page = person.http.get("/oauth2/authorization", params=query)
    assert page.status_code == 200 and "Trail Coach &amp; Co" in page.text
    assert "accesslink.read_all" in page.text
    r = authorize(person, partner, state="s-1")
    assert r.status_code == 302
    assert r.headers["location"].startswith(partner.redirect_urls[0] + "?")
    params = query_of(r.headers["location"])
    assert params["state"] == "s-1" and len(params["code"]) == 32
    int(params["code"], 16)

    tok = exchange(live.base_url, partner, params["code"])
    assert tok.status_code == 200
    body = tok.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "x_user_id"}
    assert body["token_type"] == "bearer" and body["x_user_id"] == person.user_id
    assert len(body["access_token"]) >= 10 and 31_000_000 < body["expires_in"] < 32_000_000
    assert tok.headers["cache-control"] == "no-store"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}

    reg = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "partner-member-1"}, headers=bearer)
    assert reg.status_code == 200 and reg.json()["polar-user-id"] == person.user_id
    got = httpx.get(f"{live.base_url}/v3/users/{person.user_id}", headers=bearer)
    assert got.status_code == 200 and got.json()["member-id"] == "partner-member-1"
    gone = httpx.delete(f"{live.base_url}/v3/users/{person.user_id}", headers=bearer)
    assert gone.status_code == 204 and gone.content == b""
    after = httpx.get(f"{live.base_url}/v3/users/{person.user_id}", headers=bearer)
    assert after.status_code == 401


def test_client_credentials_in_form_body_are_accepted(live: Live) -> None:
    partner = create_partner(live.base_url)
    code = get_code(signup(live.base_url), partner)
    r = httpx.post(
        f"{live.base_url}/v2/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": partner.client_id,
            "client_secret": partner.client_secret,
        },
    )
    assert r.status_code == 200, r.text


def test_deny_redirects_with_access_denied_and_state(live: Live) -> None:
    partner = create_partner(live.base_url)
    r = authorize(signup(live.base_url), partner, decision="deny", state="keep-me")
    assert r.status_code == 302
    assert query_of(r.headers["location"]) == {"error": "access_denied", "state": "keep-me"}


class TestAuthorizationErrors:
    def test_unregistered_redirect_uri_shows_error_without_redirect(self, live: Live) -> None:
        partner = create_partner(live.base_url)
        person = signup(live.base_url)
        for uri in (
            "http://evil.example/cb",
            partner.redirect_urls[0] + "/",
            partner.redirect_urls[0].upper(),
        ):
            r = person.http.get(
                "/oauth2/authorization",
                params={
                    "response_type": "code",
                    "client_id": partner.client_id,
                    "redirect_uri": uri,
                    "state": "x",
                },
            )
            assert r.status_code == 400 and "location" not in r.headers
            assert "invalid_request" in r.text

    def test_unknown_client_shows_error_page(self, live: Live) -> None:
        r = httpx.get(
            f"{live.base_url}/oauth2/authorization", params={"response_type": "code", "client_id": "nope"}
        )
        assert r.status_code == 400 and "location" not in r.headers

    @pytest.mark.parametrize(
        ("params", "error"),
        [
            ({"response_type": "token"}, "unsupported_response_type"),
            ({"response_type": ""}, "invalid_request"),
            ({"response_type": "code", "scope": "openid"}, "invalid_scope"),
            (
                {"response_type": "code", "code_challenge": PKCE_CHALLENGE, "code_challenge_method": "plain"},
                "invalid_request",
            ),
        ],
    )
    def test_other_errors_redirect_to_default_url(
        self, live: Live, params: dict[str, str], error: str
    ) -> None:
        urls = ["http://localhost:5000/a", "http://localhost:5000/b"]
        partner = create_partner(live.base_url, redirect_urls=urls, default_url=urls[1])
        r = httpx.get(
            f"{live.base_url}/oauth2/authorization",
            params={"client_id": partner.client_id, "state": "st", **params},
        )
        assert r.status_code == 302
        assert r.headers["location"].startswith(urls[1] + "?")
        assert query_of(r.headers["location"]) == {"error": error, "state": "st"}

    def test_default_url_is_used_without_redirect_uri(self, live: Live) -> None:
        urls = ["http://localhost:5000/one", "http://localhost:5000/two"]
        partner = create_partner(live.base_url, redirect_urls=urls, default_url=urls[1])
        r = authorize(signup(live.base_url), partner)
        assert r.headers["location"].startswith(urls[1] + "?")
        r = authorize(signup(live.base_url), partner, redirect_uri=urls[0])
        assert r.headers["location"].startswith(urls[0] + "?")


class TestTokenErrors:
    def test_error_bodies_are_exactly_error_code(self, live: Live) -> None:
        partner = create_partner(live.base_url)
        person = signup(live.base_url)
        url = f"{live.base_url}/v2/oauth2/token"
        cases = [
            (
                dict(
                    data={"grant_type": "authorization_code", "code": "x"}, auth=(partner.client_id, "wrong")
                ),
                "invalid_client",
            ),
            (dict(data={"grant_type": "authorization_code", "code": "x"}), "invalid_client"),
            (
                dict(data={"grant_type": "authorization_code", "code": "x"}, auth=("unknown", "x")),
                "invalid_client",
            ),
            (dict(data={"code": "x"}, auth=partner.auth), "invalid_request"),
            (dict(data={"grant_type": "password", "code": "x"}, auth=partner.auth), "unsupported_grant_type"),
            (dict(data={"grant_type": "authorization_code"}, auth=partner.auth), "invalid_request"),
            (
                dict(data={"grant_type": "authorization_code", "code": "0" * 32}, auth=partner.auth),
                "invalid_grant",
            ),
            (
                dict(
                    content=b'{"grant_type": "authorization_code"}',
                    auth=partner.auth,
                    headers={"Content-Type": "application/json"},
                ),
                "invalid_request",
            ),
        ]
        for kwargs, error in cases:
            r = httpx.post(url, **kwargs)  # type: ignore[arg-type]
            assert r.status_code == 400, (kwargs, r.text)
            assert r.json() == {"error": error}, kwargs
        # a code is bound to its client
        other = create_partner(live.base_url)
        code = get_code(person, partner)
        assert exchange(live.base_url, other, code).json() == {"error": "invalid_grant"}

    def test_redirect_uri_required_exactly_when_sent_and_must_match(self, live: Live) -> None:
        urls = ["http://localhost:5000/x", "http://localhost:5000/y"]
        partner = create_partner(live.base_url, redirect_urls=urls, default_url=urls[0])
        person = signup(live.base_url)
        code = get_code(person, partner, redirect_uri=urls[1])
        assert exchange(live.base_url, partner, code).json() == {"error": "invalid_grant"}
        code = get_code(person, partner, redirect_uri=urls[1])
        assert exchange(live.base_url, partner, code, redirect_uri=urls[0]).json() == {
            "error": "invalid_grant"
        }
        code = get_code(person, partner, redirect_uri=urls[1])
        assert exchange(live.base_url, partner, code, redirect_uri=urls[1]).status_code == 200
        code = get_code(person, partner)  # not sent: not required
        assert exchange(live.base_url, partner, code).status_code == 200

    def test_code_expires_after_ten_minutes(self, live: Live) -> None:
        partner = create_partner(live.base_url)
        person = signup(live.base_url)
        code = get_code(person, partner)
        live.clock.advance(minutes=9, seconds=59)
        assert exchange(live.base_url, partner, code).status_code == 200
        code = get_code(person, partner)
        live.clock.advance(timedelta(minutes=10, seconds=1))
        assert exchange(live.base_url, partner, code).json() == {"error": "invalid_grant"}

    def test_suspended_client_is_unauthorized(self, live: Live) -> None:
        import asyncio

        from openaccesslink.db.engine import Database
        from openaccesslink.domains import partners

        partner = create_partner(live.base_url)
        code = get_code(signup(live.base_url), partner)

        async def suspend() -> None:
            db = Database(live.database_url)
            async with db.write() as conn:
                client = await partners.get(conn, partner.client_id)
                assert client is not None
                await partners.set_active(conn, client, False)
            await db.dispose()

        asyncio.run(suspend())
        assert exchange(live.base_url, partner, code).json() == {"error": "unauthorized_client"}


def test_replayed_code_is_refused_and_its_token_revoked(live: Live) -> None:
    partner = create_partner(live.base_url)
    person = signup(live.base_url)
    other = link(live.base_url, person=person, partner=partner)  # an earlier, separate grant
    code = get_code(person, partner)
    first = exchange(live.base_url, partner, code)
    assert first.status_code == 200
    token = first.json()["access_token"]
    me = f"{live.base_url}/v3/users/{person.user_id}"
    assert httpx.get(me, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    replay = exchange(live.base_url, partner, code)
    assert replay.status_code == 400 and replay.json() == {"error": "invalid_grant"}
    assert httpx.get(me, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    # the default revocation extent is the code's tokens: the other grant survives
    assert httpx.get(me, headers=other.bearer).status_code == 200


def redeem_concurrently(base_url: str, partner: Partner, code: str, n: int = 4) -> list[httpx.Response]:
    """n threads released by one barrier present the same code at the same moment."""
    barrier = threading.Barrier(n)

    def redeem(_: int) -> httpx.Response:
        barrier.wait()
        return exchange(base_url, partner, code)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(redeem, range(n)))


def test_concurrent_redemptions_give_exactly_one_token(live: Live) -> None:
    partner = create_partner(live.base_url)
    person = signup(live.base_url)
    for _ in range(3):
        results = redeem_concurrently(live.base_url, partner, get_code(person, partner))
        ok = [r for r in results if r.status_code == 200]
        assert len(ok) == 1, [r.text for r in results]
        assert all(r.json() == {"error": "invalid_grant"} for r in results if r.status_code != 200)


def test_pkce_is_enforced_once_a_challenge_was_sent(live: Live) -> None:
    partner = create_partner(live.base_url)
    person = signup(live.base_url)
    pkce = {"code_challenge": PKCE_CHALLENGE, "code_challenge_method": "S256"}
    code = get_code(person, partner, **pkce)
    assert exchange(live.base_url, partner, code).json() == {"error": "invalid_grant"}
    code = get_code(person, partner, **pkce)
    assert exchange(live.base_url, partner, code, code_verifier="x" * 43).json() == {"error": "invalid_grant"}
    code = get_code(person, partner, **pkce)
    assert exchange(live.base_url, partner, code, code_verifier=PKCE_VERIFIER).status_code == 200


def test_tokens_do_not_expire_with_time(live: Live) -> None:
    linked = link(live.base_url)
    live.clock.advance(days=400)
    r = httpx.get(f"{live.base_url}/v3/users/{linked.person.user_id}", headers=linked.bearer)
    assert r.status_code == 200


def test_bearer_errors(live: Live) -> None:
    linked = link(live.base_url)
    url = f"{live.base_url}/v3/users/{linked.person.user_id}"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Basic {linked.token}"}).status_code == 401
    # tokens are not accepted in the query string
    assert httpx.get(url, params={"access_token": linked.token}).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"bearer {linked.token}"}).status_code == 200
