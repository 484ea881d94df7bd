"""Flow accounts: sign-up, sign-in and the profile the `user` schema returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from openaccesslink.core.clock import to_db
from openaccesslink.core.security import hash_password, verify_password
from openaccesslink.db.engine import inserted_id
from openaccesslink.db.tables import accounts

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEXES = ("MALE", "FEMALE")


class AccountError(ValueError):
    """A form-level problem shown to the person filling the form."""


@dataclass(frozen=True)
class Profile:
    first_name: str = ""
    last_name: str = ""
    birthdate: date | None = None
    sex: str | None = None
    weight: float | None = None
    height: float | None = None

    def validate(self) -> Profile:
        if self.sex is not None and self.sex not in SEXES:
            raise AccountError("sex must be MALE or FEMALE")
        if self.weight is not None and not 20 <= self.weight <= 400:
            raise AccountError("weight must be between 20 and 400 kg")
        if self.height is not None and not 50 <= self.height <= 260:
            raise AccountError("height must be between 50 and 260 cm")
        if len(self.first_name) > 100 or len(self.last_name) > 100:
            raise AccountError("names are limited to 100 characters")
        return self


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 320:
        raise AccountError("enter a valid e-mail address")
    return email


async def create(conn: AsyncConnection, email: str, password: str, profile: Profile, now: datetime) -> int:
    email = normalise_email(email)
    if len(password) < 8:
        raise AccountError("the password needs at least 8 characters")
    profile.validate()
    try:
        async with conn.begin_nested():
            result = await conn.execute(
                insert(accounts).values(
                    email=email,
                    password_hash=hash_password(password),
                    created_at=to_db(now),
                    **profile.__dict__,
                )
            )
    except IntegrityError as exc:
        raise AccountError("an account with this e-mail exists already") from exc
    return inserted_id(result)


async def authenticate(conn: AsyncConnection, email: str, password: str) -> int | None:
    row = (
        await conn.execute(
            select(accounts.c.id, accounts.c.password_hash).where(accounts.c.email == email.strip().lower())
        )
    ).first()
    if row is None:
        # spend the same time as a real check so that timing does not reveal accounts
        verify_password(
            password, "scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        )
        return None
    return int(row.id) if verify_password(password, row.password_hash) else None


async def get(conn: AsyncConnection, account_id: int) -> dict | None:
    row = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).mappings().first()
    return dict(row) if row else None


async def find_by_email(conn: AsyncConnection, email: str) -> int | None:
    return await conn.scalar(select(accounts.c.id).where(accounts.c.email == email.strip().lower()))


async def update_profile(conn: AsyncConnection, account_id: int, profile: Profile) -> None:
    profile.validate()
    await conn.execute(update(accounts).where(accounts.c.id == account_id).values(**profile.__dict__))
