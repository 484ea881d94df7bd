"""The app factory: one ASGI app serving /oauth2, /v2/oauth2, /v3 and the web pages."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from openaccesslink import __version__
from openaccesslink.api import errors, ingest, oauth
from openaccesslink.api.middleware import EdgeMiddleware
from openaccesslink.api.pages import account, portal, portal_webhooks, web
from openaccesslink.api.v3 import daily, exercises, notifications, transaction_entities, transactions, users
from openaccesslink.api.v3 import webhooks as webhooks_api
from openaccesslink.core.clock import Clock, clock_for
from openaccesslink.core.settings import Settings, get_settings
from openaccesslink.db.engine import Database
from openaccesslink.db.fastread import FastReader
from openaccesslink.delivery.runtime import DeliveryRuntime
from openaccesslink.domains.ratelimit import RateLimiter

STATIC = Path(__file__).resolve().parent / "static"


def session_secret(settings: Settings) -> str:
    """SECRET_KEY, or one generated once and kept under VAR_DIR."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.var_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    clock = clock or clock_for(settings.clock_start)
    db = Database(settings.database_url)
    fast = FastReader(settings.database_url)
    delivery = DeliveryRuntime(settings, clock, db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await delivery.start()  # the in-process webhook dispatcher, when WEBHOOK_DISPATCHER
        live = _start_live_sync(settings, db, clock)
        yield
        if live is not None:
            live.cancel()
        await delivery.stop()
        await fast.close()
        await db.dispose()

    app = FastAPI(
        title="OpenAccessLink",
        version=__version__,
        description="Polar AccessLink API v3, self-hosted.",
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.db = db
    app.state.fast = fast
    app.state.limiter = RateLimiter(settings, clock)
    app.state.delivery = delivery

    errors.install(app)
    app.add_exception_handler(web.PageExit, web.page_exit_handler)
    app.include_router(oauth.router)
    app.include_router(daily.router)  # before users: /v3/users/sleep is not /v3/users/{user-id}
    app.include_router(users.router)
    app.include_router(notifications.router)
    app.include_router(transactions.router)
    app.include_router(transaction_entities.router)
    app.include_router(exercises.router)
    app.include_router(ingest.router)
    app.include_router(account.router)
    app.include_router(portal.router)
    app.include_router(portal_webhooks.router)
    app.include_router(webhooks_api.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def edge_error(corr_id: str, status: int, error_type: str, message: str) -> dict[str, Any]:
        return errors.shaped_error(settings, clock, corr_id, status, error_type, message)

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="oal_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(
        EdgeMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        error_body=edge_error,
    )
    return app


def _start_live_sync(settings: Settings, db: Database, clock: Clock) -> asyncio.Task[None] | None:
    if not settings.live_sync:
        return None
    from openaccesslink.ingest.live import LiveSync

    return asyncio.create_task(LiveSync(db, clock, settings.live_sync_seconds).run())


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory openaccesslink.api.app:app_from_env`."""
    return create_app()
