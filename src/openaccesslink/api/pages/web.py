"""Shared helpers for the HTML pages: session, CSRF, templates."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from openaccesslink.core.security import constant_time_equals

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


class CsrfError(Exception):
    pass


def account_id(request: Request) -> int | None:
    value = request.session.get("account_id")
    return int(value) if isinstance(value, int) else None


def sign_in(request: Request, account: int) -> None:
    request.session.clear()  # a fresh session on sign-in (no fixation)
    request.session["account_id"] = account
    request.session["csrf"] = secrets.token_urlsafe(24)


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: Any) -> None:
    sent = form.get("csrf")
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str) or not constant_time_equals(sent, expected):
        raise CsrfError()


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("signed_in", account_id(request) is not None)
    context["csrf"] = csrf_token(request)
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def safe_next(target: str | None, default: str = "/account") -> str:
    """Only same-origin relative paths are followed after sign-in."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


class PageExit(Exception):
    """Leave a page handler with this response (sign-in redirect, stale form); see api/app.py."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def require_account(request: Request) -> int:
    """The signed-in account, or off to the sign-in page and back."""
    account = account_id(request)
    if account is None:
        raise PageExit(to_login(request))
    return account


async def signed_in_post(request: Request, back: str) -> tuple[int, Any]:
    """The signed-in account and its CSRF-checked form; a stale form goes back to `back`."""
    account = require_account(request)
    form = await request.form()
    try:
        check_csrf(request, form)
    except CsrfError:
        raise PageExit(RedirectResponse(back, status_code=303)) from None
    return account, form


async def page_exit_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageExit)
    return exc.response
