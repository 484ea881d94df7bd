"""The `openaccesslink` command."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openaccesslink.core.clock import clock_for
from openaccesslink.core.settings import get_settings
from openaccesslink.db import migrate
from openaccesslink.db.engine import Database

app = typer.Typer(no_args_is_help=True, help="OpenAccessLink: a self-hosted Polar AccessLink API v3.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
partner_app = typer.Typer(no_args_is_help=True, help="Partners' API clients.")
app.add_typer(db_app, name="db")
app.add_typer(partner_app, name="partner")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations to DATABASE_URL."""
    migrate.upgrade(get_settings().database_url, revision)
    console.print(f"[green]database at {revision}[/green]")


@app.command()
def seed(history: Annotated[bool, typer.Option(help="simulate 30 days of data on first run")] = True) -> None:
    """Create the demo partner client and demo user (once) and print their credentials."""
    from openaccesslink.seed import ensure_demo

    settings = get_settings()

    async def run() -> None:
        from rich.progress import Progress

        from openaccesslink.seed import DEMO_SIM_USERS, simulate_history

        db = Database(settings.database_url)
        try:
            info = await ensure_demo(db, clock_for(settings.clock_start), settings.var_dir)
            if info.created and info.account_id is not None and history:
                with Progress(console=console) as progress:
                    task = progress.add_task(
                        f"30 days of data for the demo user and {DEMO_SIM_USERS - 1} more"
                    )
                    await simulate_history(
                        db,
                        clock_for(settings.clock_start),
                        info.account_id,
                        progress=lambda n: progress.advance(task, n),
                    )
        finally:
            await db.dispose()
        _print_banner(info.client_id, info.client_secret, info.email, info.password)

    asyncio.run(run())


def _print_banner(client_id: str, secret: str, email: str, password: str) -> None:
    base = get_settings().base_url
    table = Table(title="OpenAccessLink is ready", show_header=False)
    table.add_row("Authorization (flow.polar.com)", f"{base}/oauth2/authorization")
    table.add_row("Token (polarremote.com)", f"{base}/v2/oauth2/token")
    table.add_row("API (www.polaraccesslink.com)", f"{base}/v3")
    table.add_row("Demo client id", client_id)
    table.add_row("Demo client secret", secret)
    table.add_row("Demo sign-in", f"{email} / {password}")
    table.add_row("Account pages / partner portal", f"{base}/account  ·  {base}/admin")
    console.print(table)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="default PORT or 8000")] = None,
    workers: int = 1,
) -> None:
    """Serve the whole system on one origin."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "openaccesslink.api.app:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@app.command()
def worker() -> None:
    """Deliver webhooks from the outbox (run any number; set WEBHOOK_DISPATCHER=false on servers)."""
    import logging

    from openaccesslink.delivery.dispatcher import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    asyncio.run(run_worker(settings, clock_for(settings.clock_start)))


@partner_app.command("create")
def partner_create(
    name: Annotated[str, typer.Option(help="application name")],
    redirect_url: Annotated[list[str], typer.Option("--redirect-url", help="repeat for several")],
    default_url: Annotated[str | None, typer.Option(help="the default among several")] = None,
    contact: str = "",
    description: str = "",
    owner_email: Annotated[str | None, typer.Option(help="account that manages it in the portal")] = None,
) -> None:
    """Create an API client and print its id and secret (shown once)."""
    from openaccesslink.domains import accounts, partners

    settings = get_settings()

    async def run() -> partners.Credentials:
        db = Database(settings.database_url)
        try:
            async with db.write() as conn:
                owner = await accounts.find_by_email(conn, owner_email) if owner_email else None
                if owner_email and owner is None:
                    raise typer.BadParameter(f"no account {owner_email}")
                details = partners.ClientDetails(name, contact, description, list(redirect_url), default_url)
                return await partners.create(conn, details, owner, clock_for(settings.clock_start).now())
        finally:
            await db.dispose()

    try:
        creds = asyncio.run(run())
    except partners.ClientError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"client_id     {creds.client_id}")
    console.print(f"client_secret {creds.client_secret}")


@app.command()
def simulate(
    users: Annotated[int, typer.Option(min=1, help="how many simulated people")] = 5,
    days: Annotated[int, typer.Option(min=1, max=365, help="days of history ending today")] = 30,
    seed: Annotated[int, typer.Option(help="same seed, same data")] = 1,
) -> None:
    """Simulate wearable data for new accounts and sync it through the ingestion path."""
    from rich.progress import Progress

    from openaccesslink.ingest.simulated import SIM_PASSWORD, load

    settings = get_settings()

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            with Progress(console=console) as progress:
                task = progress.add_task(f"simulating {users} x {days} days", total=None)
                loaded = await load(
                    db,
                    clock_for(settings.clock_start),
                    seed=seed,
                    users=users,
                    days=days,
                    progress=lambda n: progress.advance(task, n),
                )
        finally:
            await db.dispose()
        for item in loaded:
            console.print(f"{item.email} ({item.items} items)  password: {SIM_PASSWORD}")

    asyncio.run(run())


@app.command()
def ingest(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="a .fit, .tcx, .gpx or .json file")
    ],
    user: Annotated[str, typer.Option("--user", help="the account's e-mail")],
    family: Annotated[str, typer.Option(help="for .json records: sleep, nightly_recharge, ...")] = "exercise",
) -> None:
    """Store one file for a user exactly as an upload through /ingest/v1 would."""
    import orjson

    from openaccesslink.domains import accounts
    from openaccesslink.formats import import_file
    from openaccesslink.formats.model import FileRejected
    from openaccesslink.ingest import exercise_json, service
    from openaccesslink.ingest.families import PayloadRejected

    settings = get_settings()
    raw = file.read_bytes()

    async def run() -> service.Stored:
        db = Database(settings.database_url)
        now = clock_for(settings.clock_start).now()
        try:
            async with db.write() as conn:
                account = await accounts.find_by_email(conn, user)
                if account is None:
                    raise typer.BadParameter(f"no account {user}")
                if file.suffix.lower() == ".json":
                    payload = orjson.loads(raw)
                    if family == "exercise":
                        return await service.store_exercise(
                            conn, account, exercise_json.parse(payload), now, "json"
                        )
                    return await service.store_record(
                        conn, account, service.check_record(family, payload), now
                    )
                data = import_file(raw, file.name)
                fmt = file.suffix.lower().lstrip(".")
                return await service.store_exercise(conn, account, data, now, fmt, raw)
        finally:
            await db.dispose()

    try:
        stored = asyncio.run(run())
    except (FileRejected, PayloadRejected, orjson.JSONDecodeError) as exc:
        console.print(f"[red]rejected: {exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(stored.as_json())


if __name__ == "__main__":
    app()
