"""The read on every user-level call, as prepared SQL for db/fastread.py.

It states the same rules as domains/oauth.authenticate_bearer, domains/consents and
domains/users.get (tests/test_hotpath.py checks that both paths agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openaccesslink.core.security import constant_time_equals, token_hash
from openaccesslink.db.fastread import FastReader
from openaccesslink.domains.consents import MANDATORY
from openaccesslink.domains.oauth import TokenPrincipal

_MANDATORY_SQL = ", ".join(f"'{f}'" for f in sorted(MANDATORY))

# One round trip answers both "who is this token" and "what is their user record here".
BEARER_SQL = (
    "SELECT t.id, t.account_id, t.client_pk, t.token_hash, "
    "a.first_name, a.last_name, a.birthdate, a.sex, a.weight, a.height, r.member_id, r.registered_at, "
    "(SELECT count(*) FROM consents s WHERE s.account_id = t.account_id "
    f"AND s.family IN ({_MANDATORY_SQL})) AS consents "
    "FROM access_tokens t "
    "JOIN api_clients c ON c.id = t.client_pk "
    "JOIN accounts a ON a.id = t.account_id "
    "LEFT JOIN registrations r ON r.account_id = t.account_id AND r.client_pk = t.client_pk "
    "WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND c.active = TRUE"
)


@dataclass(frozen=True)
class Bearer:
    principal: TokenPrincipal
    user: dict[str, Any] | None  # the registered user's fields, None when not registered
    consented: bool  # every mandatory consent given


async def authenticate_bearer(reader: FastReader, token: str) -> Bearer | None:
    hashed = token_hash(token)
    row = await reader.one(BEARER_SQL, {"token_hash": hashed})
    if row is None or not constant_time_equals(row[3], hashed):
        return None
    principal = TokenPrincipal(int(row[0]), int(row[1]), int(row[2]))
    user = None
    if row[10] is not None:
        user = {
            "id": principal.account_id,
            "first_name": row[4],
            "last_name": row[5],
            "birthdate": _as_date(row[6]),
            "sex": row[7],
            "weight": row[8],
            "height": row[9],
            "member_id": row[10],
            "registered_at": _as_datetime(row[11]),
        }
    return Bearer(principal, user, int(row[12]) == len(MANDATORY))


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
