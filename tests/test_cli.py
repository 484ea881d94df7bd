"""The command line against the live server's own database, on every backend."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import Live
from tests.flows import link, signup

FIT = Path(__file__).parent / "fixtures" / "fit" / "run_20min.fit"


def cli(live: Live, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": live.database_url,
        "VAR_DIR": str(live.settings.var_dir),
        "CLOCK_START": live.clock.now().isoformat(),
        "PUBLIC_BASE_URL": live.base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "openaccesslink.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_partner_create_prints_working_credentials(live: Live) -> None:
    out = cli(live, "partner", "create", "--name", "CLI app", "--redirect-url", "http://localhost:5000/cli")
    assert out.returncode == 0, out.stderr
    fields = dict(line.split(None, 1) for line in out.stdout.splitlines() if line.startswith("client_"))
    r = httpx.get(f"{live.base_url}/v3/notifications", auth=(fields["client_id"], fields["client_secret"]))
    assert r.status_code == 204
    bad = cli(live, "partner", "create", "--name", "x", "--redirect-url", "not a url")
    assert bad.returncode == 2 and "http" in bad.stdout


def test_ingest_a_fit_file_for_a_user(live: Live) -> None:
    linked = link(live.base_url)
    out = cli(live, "ingest", str(FIT), "--user", linked.person.email)
    assert out.returncode == 0, out.stderr
    assert "created" in out.stdout
    listed = httpx.get(f"{live.base_url}/v3/exercises", headers=linked.bearer).json()
    assert len(listed) == 1 and listed[0]["start_time"] == "2024-05-12T09:30:00"
    assert cli(live, "ingest", str(FIT), "--user", "nobody@example.test").returncode != 0


def test_simulate_creates_people_with_data(live: Live) -> None:
    out = cli(live, "simulate", "--users", "1", "--days", "3", "--seed", "99")
    assert out.returncode == 0, out.stderr
    assert "sim-99-0@openaccesslink.local" in out.stdout
    person = signup(live.base_url)  # the simulated person signs in like anybody
    del person
    client = httpx.Client(base_url=live.base_url)
    page = client.get("/login")
    from tests.flows import csrf

    r = client.post(
        "/login",
        data={
            "csrf": csrf(page),
            "next": "/account",
            "email": "sim-99-0@openaccesslink.local",
            "password": "simulated-user",
        },
    )
    assert r.status_code == 303
    again = cli(live, "simulate", "--users", "1", "--days", "3", "--seed", "99")
    assert again.returncode == 0


def test_seed_is_idempotent_and_fills_history(live: Live) -> None:
    from sqlalchemy import select

    from openaccesslink.db.tables import accounts
    from tests import dbcheck

    first = cli(live, "seed")
    assert first.returncode == 0, first.stderr
    again = cli(live, "seed")
    assert again.returncode == 0, again.stderr

    def client_id(out: str) -> str:
        line = next(line for line in out.splitlines() if "Demo client id" in line)
        return line.split("│")[2].strip()

    assert client_id(first.stdout) == client_id(again.stdout)
    demo = dbcheck.run(
        live.database_url, select(accounts.c.id).where(accounts.c.email == "demo@openaccesslink.local")
    )
    exercises, records, events = dbcheck.counts(live.database_url, demo)
    assert exercises >= 4 and records >= 100 and events == exercises + records
