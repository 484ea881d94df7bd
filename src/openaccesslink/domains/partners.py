"""Partners' API clients (the doc's admin site): credentials and redirect URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.security import (
    constant_time_equals,
    new_client_id,
    new_client_secret,
    token_hash,
)
from openaccesslink.db.engine import inserted_id
from openaccesslink.db.tables import api_clients, redirect_urls


class ClientError(ValueError):
    """A form-level problem with a client's details."""


@dataclass(frozen=True)
class ClientDetails:
    name: str
    contact_email: str = ""
    description: str = ""
    redirect_urls: list[str] = field(default_factory=list)
    default_url: str | None = None

    def validate(self) -> ClientDetails:
        if not self.name.strip() or len(self.name) > 200:
            raise ClientError("the client needs a name (at most 200 characters)")
        validate_redirect_urls(self.redirect_urls, self.default_url)
        return self


@dataclass(frozen=True)
class Client:
    pk: int
    client_id: str
    name: str
    contact_email: str
    description: str
    owner_account_id: int | None
    active: bool
    redirect_urls: list[str]
    default_url: str | None


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


def validate_redirect_urls(urls: list[str], default_url: str | None) -> None:
    if not urls:
        raise ClientError("add at least one redirect URL")
    if len(set(urls)) != len(urls):
        raise ClientError("redirect URLs must be unique")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment or len(url) > 2000:
            raise ClientError(f"not an absolute http(s) URL without fragment: {url!r}")
    if len(urls) > 1 and default_url not in urls:
        raise ClientError("mark one of the redirect URLs as the default")
    if default_url is not None and default_url not in urls:
        raise ClientError("the default URL must be one of the redirect URLs")


async def create(
    conn: AsyncConnection, details: ClientDetails, owner_account_id: int | None, now: datetime
) -> Credentials:
    details.validate()
    creds = Credentials(new_client_id(), new_client_secret())
    result = await conn.execute(
        insert(api_clients).values(
            client_id=creds.client_id,
            secret_hash=token_hash(creds.client_secret),
            name=details.name.strip(),
            contact_email=details.contact_email.strip(),
            description=details.description.strip(),
            owner_account_id=owner_account_id,
            active=True,
            created_at=to_db(now),
        )
    )
    await _replace_urls(conn, inserted_id(result), details.redirect_urls, details.default_url)
    return creds


async def _replace_urls(conn: AsyncConnection, pk: int, urls: list[str], default_url: str | None) -> None:
    default = default_url if default_url is not None else (urls[0] if len(urls) == 1 else None)
    await conn.execute(delete(redirect_urls).where(redirect_urls.c.client_pk == pk))
    await conn.execute(
        insert(redirect_urls),
        [{"client_pk": pk, "url": u, "is_default": u == default} for u in urls],
    )


async def get(conn: AsyncConnection, client_id: str) -> Client | None:
    row = (await conn.execute(select(api_clients).where(api_clients.c.client_id == client_id))).first()
    if row is None:
        return None
    urls = (
        await conn.execute(
            select(redirect_urls.c.url, redirect_urls.c.is_default)
            .where(redirect_urls.c.client_pk == row.id)
            .order_by(redirect_urls.c.id)
        )
    ).all()
    return Client(
        pk=row.id,
        client_id=row.client_id,
        name=row.name,
        contact_email=row.contact_email,
        description=row.description,
        owner_account_id=row.owner_account_id,
        active=bool(row.active),
        redirect_urls=[u.url for u in urls],
        default_url=next((u.url for u in urls if u.is_default), None),
    )


async def authenticate(conn: AsyncConnection, client_id: str, secret: str) -> tuple[int, bool] | None:
    """(client pk, active) when the credentials match, else None. Constant-time on the secret."""
    row = (
        await conn.execute(
            select(api_clients.c.id, api_clients.c.secret_hash, api_clients.c.active).where(
                api_clients.c.client_id == client_id
            )
        )
    ).first()
    presented = token_hash(secret)
    if row is None:
        constant_time_equals(presented, "0" * 64)
        return None
    if not constant_time_equals(presented, row.secret_hash):
        return None
    return int(row.id), bool(row.active)


async def list_for_owner(conn: AsyncConnection, owner_account_id: int) -> list[Client]:
    ids = (
        await conn.execute(
            select(api_clients.c.client_id)
            .where(api_clients.c.owner_account_id == owner_account_id)
            .order_by(api_clients.c.id)
        )
    ).scalars()
    clients = [await get(conn, cid) for cid in list(ids)]
    return [c for c in clients if c is not None]


async def update_details(conn: AsyncConnection, client: Client, details: ClientDetails) -> None:
    details.validate()
    await conn.execute(
        update(api_clients)
        .where(api_clients.c.id == client.pk)
        .values(
            name=details.name.strip(),
            contact_email=details.contact_email.strip(),
            description=details.description.strip(),
        )
    )
    await _replace_urls(conn, client.pk, details.redirect_urls, details.default_url)


async def regenerate_secret(conn: AsyncConnection, client: Client) -> str:
    secret = new_client_secret()
    await conn.execute(
        update(api_clients).where(api_clients.c.id == client.pk).values(secret_hash=token_hash(secret))
    )
    return secret


async def set_active(conn: AsyncConnection, client: Client, active: bool) -> None:
    await conn.execute(update(api_clients).where(api_clients.c.id == client.pk).values(active=active))


async def remove(conn: AsyncConnection, client: Client) -> None:
    await conn.execute(delete(api_clients).where(api_clients.c.id == client.pk))


async def name_of(conn: AsyncConnection, client_pk: int) -> str:
    return str(await conn.scalar(select(api_clients.c.name).where(api_clients.c.id == client_pk)) or "")
