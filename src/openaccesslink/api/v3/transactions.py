"""The transactional families (doc: Daily activity, Training data, Physical info).

One set of handlers made per family; every rule lives in domains/transactions.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from openaccesslink.api.deps import Accept, Config, Db, Now, UserToken
from openaccesslink.api.negotiation import empty, render
from openaccesslink.core.errors import ConsentsMissing, EmptyNotFound
from openaccesslink.domains import oauth
from openaccesslink.domains import transactions as tx
from openaccesslink.wire.transactional import transaction_location

router = APIRouter(tags=["Transactions"])


@dataclass(frozen=True)
class FamilyWire:
    family: str
    collection: str  # path segment under /v3/users/{user-id}/
    entities: str  # path segment of an entity inside a transaction
    list_key: str  # JSON key of the list of entity URLs
    xml_root: str
    xml_item: str
    operation: str  # operationId stem


WIRES = {
    tx.EXERCISE: FamilyWire(
        tx.EXERCISE, "exercise-transactions", "exercises", "exercises", "exercises", "exercise", "Exercise"
    ),
    tx.ACTIVITY: FamilyWire(
        tx.ACTIVITY,
        "activity-transactions",
        "activities",
        "activity-log",
        "activity-logs",
        "activity-log",
        "Activity",
    ),
    tx.PHYSICAL_INFORMATION: FamilyWire(
        tx.PHYSICAL_INFORMATION,
        "physical-information-transactions",
        "physical-informations",
        "physical-informations",
        "physical-informations",
        "physical-information",
        "PhysicalInformation",
    ),
}


def user_url(base: str, user_id: int) -> str:
    return f"{base}/v3/users/{user_id}"


def transaction_url(base: str, wire: FamilyWire, user_id: int, transaction_id: int) -> str:
    return f"{user_url(base, user_id)}/{wire.collection}/{transaction_id}"


def guard_request(request: Request, user_id: int, token: oauth.TokenPrincipal) -> None:
    """A token reaches only its own user (404 otherwise); consents are checked (403) from the
    state the bearer authentication read (request.state.bearer)."""
    if user_id != token.account_id:
        raise EmptyNotFound()
    if not request.state.bearer.consented:
        raise ConsentsMissing()


def _create(wire: FamilyWire) -> Callable[..., Awaitable[Response]]:
    async def create_transaction(
        request: Request, user_id: int, token: UserToken, rep: Accept, db: Db, clock: Now, settings: Config
    ) -> Response:
        guard_request(request, user_id, token)
        async with db.write() as conn:
            tid = await tx.create(
                conn, family=wire.family, client_pk=token.client_pk, account_id=user_id, now=clock.now()
            )
        if tid is None:
            return empty(204)
        body = transaction_location(tid, transaction_url(settings.base_url, wire, user_id, tid))
        return render(body, rep, "transaction-location", 201)

    return create_transaction


def _list(wire: FamilyWire) -> Callable[..., Awaitable[Response]]:
    async def list_transaction(
        request: Request,
        user_id: int,
        transaction_id: int,
        token: UserToken,
        rep: Accept,
        db: Db,
        clock: Now,
        settings: Config,
    ) -> Response:
        guard_request(request, user_id, token)
        async with db.read() as conn:
            live = await tx.get_open(
                conn,
                transaction_id=transaction_id,
                family=wire.family,
                client_pk=token.client_pk,
                account_id=user_id,
                now=clock.now(),
            )
        if live is None:
            raise EmptyNotFound()
        if not live.entity_ids:
            return empty(204)
        base = transaction_url(settings.base_url, wire, user_id, transaction_id)
        urls = [f"{base}/{wire.entities}/{i}" for i in live.entity_ids]
        return render({wire.list_key: urls}, rep, wire.xml_root, item_names={wire.list_key: wire.xml_item})

    return list_transaction


def _commit(wire: FamilyWire) -> Callable[..., Awaitable[Response]]:
    async def commit_transaction(
        request: Request, user_id: int, transaction_id: int, token: UserToken, db: Db, clock: Now
    ) -> Response:
        guard_request(request, user_id, token)
        async with db.write() as conn:
            done = await tx.commit(
                conn,
                transaction_id=transaction_id,
                family=wire.family,
                client_pk=token.client_pk,
                account_id=user_id,
                now=clock.now(),
            )
        if not done:
            raise EmptyNotFound()
        return empty(200)

    return commit_transaction


_OPERATIONS = (  # (verb, operationId stem, summary, handler factory, path below the collection)
    ("POST", "create", "Create transaction", _create, ""),
    ("GET", "list", "List entities", _list, "/{transaction_id}"),
    ("PUT", "commit", "Commit transaction", _commit, "/{transaction_id}"),
)

for _wire in WIRES.values():
    for _verb, _stem, _summary, _factory, _suffix in _OPERATIONS:
        router.add_api_route(
            f"/v3/users/{{user_id}}/{_wire.collection}{_suffix}",
            _factory(_wire),
            methods=[_verb],
            operation_id=f"{_stem}{_wire.operation}Transaction",
            summary=_summary,
            tags=[f"{_wire.operation} transactions"],
        )


async def entity_in_transaction(
    request: Request,
    conn: Any,
    wire: FamilyWire,
    user_id: int,
    transaction_id: int,
    entity_id: int,
    token: oauth.TokenPrincipal,
) -> None:
    """404 unless the live transaction holds the entity."""
    guard_request(request, user_id, token)
    if not await tx.contains(
        conn,
        transaction_id=transaction_id,
        family=wire.family,
        client_pk=token.client_pk,
        account_id=user_id,
        entity_id=entity_id,
        now=request.app.state.clock.now(),
    ):
        raise EmptyNotFound()
