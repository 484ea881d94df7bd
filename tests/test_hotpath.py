"""The raw-driver hot path states the same rules as the SQLAlchemy domain functions."""

from __future__ import annotations

import httpx

from openaccesslink.db.engine import Database
from openaccesslink.db.fastread import FastReader
from openaccesslink.domains import consents, hotpath, oauth, users
from tests.conftest import Live
from tests.flows import link, signup


async def test_fast_and_domain_reads_agree(live: Live) -> None:
    registered = link(live.base_url)
    unregistered = link(live.base_url, person=signup(live.base_url, consents=False), register=False)
    revoked = link(live.base_url)
    httpx.delete(f"{live.base_url}/v3/users/{revoked.person.user_id}", headers=revoked.bearer)
    db, fast = Database(live.database_url), FastReader(live.database_url)
    try:
        for linked in (registered, unregistered, revoked):
            quick = await hotpath.authenticate_bearer(fast, linked.token)
            async with db.read() as conn:
                slow = await oauth.authenticate_bearer(conn, linked.token)
                if slow is None:
                    assert linked is revoked and quick is None
                    continue
                assert quick is not None and quick.principal == slow
                row = await users.get(conn, client_pk=slow.client_pk, account_id=slow.account_id)
                given = await consents.all_mandatory_given(conn, slow.account_id)
            assert quick.consented == given
            assert (quick.user is None) == (row is None) == (linked is unregistered)
            if row is not None:
                assert quick.user == dict(row)
        assert await hotpath.authenticate_bearer(fast, "not-a-token") is None
    finally:
        await fast.close()
        await db.dispose()
