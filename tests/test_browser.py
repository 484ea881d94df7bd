"""Browser tests: the account site, the consent page and the partner portal in headless Chromium.

Playwright's sync API drives Debian's /usr/bin/chromium against the `live` server of each backend.
The partner's redirect URLs (http://localhost:5000/...) have no server behind them: the browser
context intercepts them and serves a small landing page, so the test reads `code`/`state` from its URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests import flows
from tests.conftest import Live

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Browser]:
    # Depends on `live` so that it is closed before the next backend's server starts: Playwright's sync
    # API keeps an event loop on this thread, where conftest's asyncio.run (PostgreSQL reset) would fail.
    # A missing browser is a failure, never a skip.
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: install Debian's chromium for these tests"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(base_url=live.base_url)
    context.set_default_timeout(10_000)

    def partner_landing(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<p id='partner-landing'>partner app</p>")

    context.route("http://localhost:5000/**", partner_landing)
    yield context.new_page()
    context.close()


# --- steps a person takes in the browser ---------------------------------------------------------


def sign_up(page: Page, **profile: str) -> str:
    """Sign up with a fresh e-mail (consent boxes left checked), land on /account; return the e-mail."""
    email = f"{flows.unique('browser')}@example.test"
    page.goto("/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=first_name]", profile.get("first_name", "Grace"))
    page.fill("input[name=last_name]", profile.get("last_name", "Hopper"))
    page.fill("input[name=birthdate]", profile.get("birthdate", "1985-12-09"))
    page.select_option("select[name=sex]", profile.get("sex", "FEMALE"))
    page.fill("input[name=weight]", profile.get("weight", "61.5"))
    page.fill("input[name=height]", profile.get("height", "168.5"))
    page.click("#sign-up")
    expect(page.locator("#email")).to_have_text(email)
    return email


def submit_sign_in(page: Page, email: str, password: str) -> None:
    """Fill the sign-in form, opening /login first unless the browser was already sent there."""
    if "/login" not in page.url:
        page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#sign-in")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    submit_sign_in(page, email, password)
    expect(page.locator("#logout")).to_be_visible()  # on whatever page `next` pointed to


def save_consents(page: Page) -> None:
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/consents")) as saved:
        page.click("#save-consents")
    assert saved.value.status == 200
    expect(page.get_by_role("status")).to_have_text("Saved.")


def sign_out(page: Page) -> None:
    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))


def authorization_url(partner: flows.Partner, **params: str) -> str:
    query = {"response_type": "code", "client_id": partner.client_id, **params}
    return f"/oauth2/authorization?{urlencode(query)}"


def partner_landed(page: Page, redirect_url: str) -> dict[str, str]:
    """Wait for the browser to reach the partner's redirect URL; return its query."""
    page.wait_for_url(lambda url: url.startswith(f"{redirect_url}?"))
    expect(page.locator("#partner-landing")).to_be_visible()
    return flows.query_of(page.url)


def user_info(live: Live, user_id: int, token: str) -> httpx.Response:
    return httpx.get(
        f"{live.base_url}/v3/users/{user_id}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )


# --- 1. sign up, sign out, sign in ---------------------------------------------------------------


def test_signup_profile_signout_and_signin(page: Page, live: Live) -> None:
    email = sign_up(
        page,
        first_name="Grace",
        last_name="Hopper",
        birthdate="1985-12-09",
        sex="FEMALE",
        weight="61.5",
        height="168.5",
    )
    expect(page).to_have_url(f"{live.base_url}/account")
    expect(page.locator("input[name=first_name]")).to_have_value("Grace")
    expect(page.locator("input[name=last_name]")).to_have_value("Hopper")
    expect(page.locator("input[name=birthdate]")).to_have_value("1985-12-09")
    expect(page.locator("select[name=sex]")).to_have_value("FEMALE")
    expect(page.locator("input[name=weight]")).to_have_value("61.5")
    expect(page.locator("input[name=height]")).to_have_value("168.5")
    page.goto("/account/consents")  # the checked consent boxes were stored
    expect(page.locator("input[type=checkbox]:checked")).to_have_count(8)

    sign_out(page)
    page.goto("/account")
    expect(page).to_have_url(f"{live.base_url}/login?next=%2Faccount")

    submit_sign_in(page, email, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    expect(page.locator("input[name=email]")).to_have_value(email)
    expect(page.locator("#logout")).to_have_count(0)

    sign_in(page, email)
    expect(page).to_have_url(f"{live.base_url}/account")
    expect(page.locator("#email")).to_have_text(email)


# --- 2. and 3. the consent page --------------------------------------------------------------------


def test_consent_allow_after_sign_in_then_token_works(page: Page, live: Live) -> None:
    name = flows.unique("Browser partner")
    partner = flows.create_partner(live.base_url, name=name)
    email = sign_up(page)
    user_id = int(page.locator("#user-id").inner_text())
    sign_out(page)

    page.goto(authorization_url(partner, state="abc"))
    # signed out: sent to sign in first, then bounced back to the consent page
    expect(page).to_have_url(re.compile(r"/login\?next=%2Foauth2%2Fauthorization"))
    sign_in(page, email)
    expect(page.locator("#partner-name")).to_have_text(name)
    page.click("#allow")

    query = partner_landed(page, partner.redirect_urls[0])
    assert query["state"] == "abc"
    token = flows.exchange(live.base_url, partner, query["code"])
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["x_user_id"] == user_id
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    reg = httpx.post(f"{live.base_url}/v3/users", json={"member-id": "m-1"}, headers=bearer)
    assert reg.status_code == 200, reg.text
    info = user_info(live, user_id, body["access_token"])
    assert info.status_code == 200, info.text
    assert info.json()["polar-user-id"] == user_id
    assert info.json()["first-name"] == "Grace"


def test_consent_deny_redirects_with_access_denied(page: Page, live: Live) -> None:
    partner = flows.create_partner(live.base_url)
    sign_up(page)
    page.goto(authorization_url(partner, state="xyz-123"))
    page.click("#deny")
    query = partner_landed(page, partner.redirect_urls[0])
    assert query == {"error": "access_denied", "state": "xyz-123"}


# --- 4. the partner portal --------------------------------------------------------------------------


def test_portal_create_client_and_edit_redirect_urls(page: Page, live: Live) -> None:
    url_a, url_b, url_c = (f"http://localhost:5000/{flows.unique(p)}" for p in ("a", "b", "c"))
    name = flows.unique("Portal app")
    sign_up(page)
    page.goto("/admin")
    page.click("#new-client")
    page.fill("input[name=name]", name)
    page.fill("input[name=contact_email]", "dev@example.test")
    page.fill("textarea[name=description]", "made in a browser")
    page.fill("textarea[name=redirect_urls]", f"{url_a}\n{url_b}")
    page.fill("input[name=default_url]", url_a)
    page.click("#create-client")

    client_id = page.locator("#client-id").inner_text()
    secret = page.locator("#client-secret").inner_text()
    assert client_id and secret
    # the shown secret is the real one: the token endpoint accepts the client and judges the code
    probe = httpx.post(
        f"{live.base_url}/v2/oauth2/token",
        data={"grant_type": "authorization_code", "code": "nope"},
        auth=(client_id, secret),
    )
    assert probe.json() == {"error": "invalid_grant"}
    page.goto(f"/admin/clients/{client_id}")  # shown once: never on a later view
    expect(page.locator("#client-id")).to_have_text(client_id)
    expect(page.locator("#client-secret")).to_have_count(0)
    page.goto("/admin")
    expect(page.locator("tr.client", has_text=name)).to_contain_text("2 redirect URL(s)")

    page.goto(f"/admin/clients/{client_id}")
    page.fill("textarea[name=redirect_urls]", f"{url_a}\n{url_b}\n{url_c}")
    page.fill("input[name=default_url]", url_c)
    page.click("#save-client")
    expect(page.get_by_role("status")).to_have_text("Saved.")
    items = page.locator("#redirect-list li")
    expect(items).to_have_text([url_a, url_b, f"{url_c} (default)"])

    # over HTTP: the new URL is accepted, the new default is used, an unknown one is refused
    person = flows.signup(live.base_url)
    query = {"response_type": "code", "client_id": client_id, "state": "s1"}
    consent = person.http.get("/oauth2/authorization", params={**query, "redirect_uri": url_c})
    assert consent.status_code == 200 and 'id="partner-name"' in consent.text
    signed_out = httpx.get(f"{live.base_url}/oauth2/authorization", params={**query, "redirect_uri": url_c})
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login?next=")
    default = person.http.get("/oauth2/authorization", params=query)
    form = {**flows.hidden_fields(default), "decision": "allow"}
    decision = person.http.post("/oauth2/authorization", data=form)
    assert decision.status_code == 302 and decision.headers["location"].startswith(f"{url_c}?")
    unknown = person.http.get(
        "/oauth2/authorization", params={**query, "redirect_uri": "http://localhost:5000/not-registered"}
    )
    assert unknown.status_code == 400 and "location" not in unknown.headers
    assert 'id="error-code"' in unknown.text


# --- 5. and 6. consents and linked partners of a linked person ------------------------------------------


def test_withdrawing_a_consent_blocks_the_api_until_given_back(page: Page, live: Live) -> None:
    linked = flows.link(live.base_url)
    user_id = linked.person.user_id
    assert user_info(live, user_id, linked.token).status_code == 200
    sign_in(page, linked.person.email, linked.person.password)
    page.goto("/account/consents")

    expect(page.locator("#consent-sleep")).to_be_checked()
    page.uncheck("#consent-sleep")
    save_consents(page)
    expect(page.locator("#consent-sleep")).not_to_be_checked()
    blocked = user_info(live, user_id, linked.token)
    assert blocked.status_code == 403
    assert blocked.content == b""

    page.check("#consent-sleep")
    save_consents(page)
    expect(page.locator("#consent-sleep")).to_be_checked()
    again = user_info(live, user_id, linked.token)
    assert again.status_code == 200, again.text
    assert again.json()["polar-user-id"] == user_id


def test_disconnecting_a_linked_partner_revokes_its_token(page: Page, live: Live) -> None:
    name = flows.unique("Linked partner")
    linked = flows.link(live.base_url, partner=flows.create_partner(live.base_url, name=name))
    user_id = linked.person.user_id
    assert user_info(live, user_id, linked.token).status_code == 200
    sign_in(page, linked.person.email, linked.person.password)
    page.goto("/account/partners")

    row = page.locator("tr.partner", has_text=name)
    expect(row).to_contain_text("registered since")
    row.get_by_role("button", name="Disconnect").click()
    expect(page).to_have_url(f"{live.base_url}/account/partners")
    expect(page.locator("tr.partner", has_text=name)).to_have_count(0)
    expect(page.locator("#no-partners")).to_be_visible()
    assert user_info(live, user_id, linked.token).status_code == 401
