"""Demo data for `make run`: one partner client and a few users, created once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openaccesslink.core.clock import Clock
from openaccesslink.db.engine import Database
from openaccesslink.domains import accounts, consents, partners

DEMO_EMAIL = "demo@openaccesslink.local"
DEMO_PASSWORD = "demo-password"
DEMO_SEED = 2026
DEMO_SIM_USERS = 4
DEMO_REDIRECTS = ["http://localhost:5000/oauth2_callback", "http://127.0.0.1:5000/oauth2_callback"]


@dataclass(frozen=True)
class DemoInfo:
    client_id: str
    client_secret: str
    email: str
    password: str
    created: bool
    account_id: int | None = None


async def ensure_demo(db: Database, clock: Clock, var_dir: Path) -> DemoInfo:
    """Idempotent: the second run finds the demo data and the saved credentials."""
    creds_file = var_dir / "demo-credentials.json"
    async with db.write() as conn:
        existing = await accounts.find_by_email(conn, DEMO_EMAIL)
        if existing is not None and creds_file.exists():
            saved = json.loads(creds_file.read_text())
            return DemoInfo(saved["client_id"], saved["client_secret"], DEMO_EMAIL, DEMO_PASSWORD, False)
        now = clock.now()
        if existing is None:
            existing = await accounts.create(
                conn,
                DEMO_EMAIL,
                DEMO_PASSWORD,
                accounts.Profile("Demo", "Runner", date(1988, 4, 12), "FEMALE", 61.0, 168.0),
                now,
            )
            await consents.give(conn, existing, set(consents.FAMILY_KEYS), now)
        creds = await partners.create(
            conn,
            partners.ClientDetails(
                name="Demo partner app",
                contact_email="dev@localhost",
                description="Created by make run for trying AccessLink clients locally.",
                redirect_urls=DEMO_REDIRECTS,
                default_url=DEMO_REDIRECTS[0],
            ),
            existing,
            now,
        )
    var_dir.mkdir(parents=True, exist_ok=True)
    creds_file.write_text(json.dumps({"client_id": creds.client_id, "client_secret": creds.client_secret}))
    creds_file.chmod(0o600)
    return DemoInfo(creds.client_id, creds.client_secret, DEMO_EMAIL, DEMO_PASSWORD, True, existing)


async def simulate_history(
    db: Database,
    clock: Clock,
    demo_account: int,
    users: int = DEMO_SIM_USERS,
    days: int = 30,
    progress: Callable[[int], None] | None = None,
) -> int:
    """30 days of simulated history (and today's syncs so far) for the demo user and a few more."""
    from openaccesslink.ingest.simulated import load

    loaded = await load(
        db, clock, seed=DEMO_SEED, users=users, days=days, accounts_for={0: demo_account}, progress=progress
    )
    return sum(item.items for item in loaded)
