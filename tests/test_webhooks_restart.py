"""Pending deliveries survive a hard kill: of the server (in-process dispatcher) and of workers.

Each test serves its own SQLite file from separate processes (uvicorn, `openaccesslink worker`),
kills them with SIGKILL while the queue is half sent, starts them again and checks that every
stored item reaches the receiver, signed (at least once; a few repeats are allowed for the
deliveries that were in flight at the kill).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from openaccesslink.db import migrate
from openaccesslink.db.tables import daily_records, webhook_deliveries
from tests import dbcheck
from tests.conftest import free_port
from tests.flows import link
from tests.payloads import records
from tests.test_ingest import device_token
from tests.webhook_receiver import Receiver, create_webhook

IN_FLIGHT = 4


class Deployment:
    """A database file and the processes serving it."""

    def __init__(self, tmp: Path, **settings: str) -> None:
        self.tmp = tmp
        self.url = f"sqlite+aiosqlite:///{tmp / 'webhooks.db'}"
        migrate.upgrade(self.url)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "PUBLIC_BASE_URL": self.base_url,
            "SECRET_KEY": "restart-test",
            "VAR_DIR": str(tmp / "var"),
            "WEBHOOK_MAX_IN_FLIGHT": str(IN_FLIGHT),
            "WEBHOOK_LEASE_SECONDS": "2",
            "WEBHOOK_TIMEOUT_SECONDS": "1",
            "WEBHOOK_POLL_SECONDS": "0.1",
            **settings,
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}-{len(self.processes)}.log").open("wb")
        proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)
        self.processes.append(proc)
        return proc

    def serve(self) -> subprocess.Popen[bytes]:
        proc = self._spawn(
            [sys.executable, "-m", "uvicorn", "--factory", "openaccesslink.api.app:app_from_env"]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            "server",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.base_url}/login", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (self.tmp / "server-0.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)

    def worker(self) -> subprocess.Popen[bytes]:
        return self._spawn([sys.executable, "-m", "openaccesslink.cli.main", "worker"], "worker")

    def close(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    dep = Deployment(tmp_path)
    yield dep
    dep.close()


def _ingest_activities(base_url: str, device: dict[str, str], n: int) -> list[str]:
    first = date(2025, 1, 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(n)]
    with httpx.Client(base_url=base_url, headers=device) as http:
        for day in days:
            r = http.post("/ingest/v1/activities", json=records(day)["activities"])
            assert r.status_code == 201, r.text
    return days


def _check_all_arrived(receiver: Receiver, days: list[str], secret: str, timeout: float) -> Counter[str]:
    ok = receiver.wait(lambda r: {d.json["date"] for d in r.deliveries()} >= set(days), timeout)
    got = receiver.deliveries()
    seen = Counter(d.json["date"] for d in got)
    assert ok, f"{len(set(days) - set(seen))} of {len(days)} never arrived"
    assert all(d.verified(secret) for d in got)
    return seen


def test_a_hard_killed_server_delivers_the_rest_after_restart(deployment: Deployment) -> None:
    n = 80
    with Receiver(delay=0.2) as receiver:  # ~20/s with 4 in flight: the queue outlives the ingestion
        server = deployment.serve()
        linked = link(deployment.base_url)
        hook = create_webhook(deployment.base_url, linked.partner.auth, receiver.url, ["ACTIVITY_SUMMARY"])
        days = _ingest_activities(deployment.base_url, device_token(linked.person), n)
        assert receiver.wait(lambda r: len(r.deliveries()) >= 10, 10)

        server.kill()  # SIGKILL: no shutdown, in-flight posts cut off, leases left behind
        server.wait()
        at_kill = len({d.json["date"] for d in receiver.deliveries()})
        assert 10 <= at_kill < n, "the queue should have been half sent"
        account = linked.person.user_id
        stored = dbcheck.run(
            deployment.url,
            select(func.count()).select_from(daily_records).where(daily_records.c.account_id == account),
        )
        queued = dbcheck.run(
            deployment.url,
            select(func.count())
            .select_from(webhook_deliveries)
            .where(webhook_deliveries.c.account_id == account),
        )
        assert stored == queued == n  # everything stored is in the outbox

        receiver.delay = 0
        deployment.serve()
        seen = _check_all_arrived(receiver, days, hook["signature_secret_key"], 30)
        repeats = sum(seen.values()) - n
        assert repeats <= 2 * IN_FLIGHT, f"{repeats} repeats"
        time.sleep(0.5)
        assert len(receiver.deliveries()) == sum(seen.values())  # and then nothing more


def test_workers_deliver_and_survive_a_hard_kill(tmp_path: Path) -> None:
    deployment = Deployment(tmp_path, WEBHOOK_DISPATCHER="false")
    n = 60
    try:
        with Receiver(delay=0.2) as receiver:
            deployment.serve()
            linked = link(deployment.base_url)
            hook = create_webhook(
                deployment.base_url, linked.partner.auth, receiver.url, ["ACTIVITY_SUMMARY"]
            )
            days = _ingest_activities(deployment.base_url, device_token(linked.person), n)
            time.sleep(0.5)
            assert receiver.deliveries() == []  # the server itself does not dispatch

            worker = deployment.worker()
            assert receiver.wait(lambda r: len(r.deliveries()) >= 10, 20)
            worker.kill()
            worker.wait()
            assert len({d.json["date"] for d in receiver.deliveries()}) < n

            receiver.delay = 0.01
            deployment.worker()
            deployment.worker()  # two workers at once share the queue
            seen = _check_all_arrived(receiver, days, hook["signature_secret_key"], 30)
            repeats = sum(seen.values()) - n
            assert repeats <= 2 * IN_FLIGHT, f"{repeats} repeats"
    finally:
        deployment.close()
