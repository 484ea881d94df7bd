"""Polar's example client library (PyPI polar-accesslink) drives the server, following its URLs."""

from __future__ import annotations

import httpx
from accesslink import AccessLink

from tests.conftest import Live
from tests.flows import create_partner, hidden_fields, query_of, signup
from tests.payloads import exercise_json, records
from tests.test_ingest import device_token


def point_at(client: AccessLink, base_url: str) -> None:
    """What swapping the host names does: the same paths on our origin."""
    client.oauth.url = f"{base_url}/v3"
    client.oauth.authorization_url = f"{base_url}/oauth2/authorization"
    client.oauth.access_token_url = f"{base_url}/v2/oauth2/token"


def test_polar_accesslink_client_runs_every_flow(live: Live) -> None:
    partner = create_partner(live.base_url, redirect_urls=["http://localhost:5000/oauth2_callback"])
    client = AccessLink(partner.client_id, partner.client_secret, redirect_url=partner.redirect_urls[0])
    point_at(client, live.base_url)
    person = signup(live.base_url)

    # the person follows the client's authorization URL and allows access
    page = person.http.get(client.get_authorization_url(state="st8"))
    assert page.status_code == 200
    decision = person.http.post("/oauth2/authorization", data={**hidden_fields(page), "decision": "allow"})
    params = query_of(decision.headers["location"])
    assert params["state"] == "st8"
    token = client.get_access_token(params["code"])
    user_id, access_token = token["x_user_id"], token["access_token"]
    assert user_id == person.user_id
    assert (
        client.users.register(access_token=access_token, member_id="client-member")["member-id"]
        == "client-member"
    )
    assert (
        client.users.get_information(user_id=user_id, access_token=access_token)["polar-user-id"] == user_id
    )
    assert client.pull_notifications.list() == {}  # 204

    auth = device_token(person)
    for i in range(3):
        httpx.post(
            f"{live.base_url}/ingest/v1/exercises",
            json=exercise_json(start=f"2026-10-2{i}T06:00:00Z"),
            headers=auth,
        )
    httpx.post(f"{live.base_url}/ingest/v1/activities", json=records()["activities"], headers=auth)
    httpx.post(
        f"{live.base_url}/ingest/v1/physical-information",
        json=records()["physical-information"],
        headers=auth,
    )
    types = {e["data-type"] for e in client.pull_notifications.list()["available-user-data"]}
    assert types == {"EXERCISE", "ACTIVITY_SUMMARY", "PHYSICAL_INFORMATION"}

    exercises = client.training_data.create_transaction(user_id=user_id, access_token=access_token)
    urls = exercises.list_exercises()["exercises"]
    assert len(urls) == 3
    for url in urls:
        assert exercises.get_exercise_summary(url)["device"] == "Polar Vantage V3"
        assert len(exercises.get_heart_rate_zones(url)["zone"]) == 5
        for sample_url in exercises.get_available_samples(url)["samples"]:
            assert "data" in exercises.get_samples(sample_url)
    exercises.commit()

    activities = client.daily_activity.create_transaction(user_id=user_id, access_token=access_token)
    for url in activities.list_activities()["activity-log"]:
        assert activities.get_activity_summary(url)["active-steps"] == 10450
        assert activities.get_step_samples(url)["samples"]
    activities.commit()

    infos = client.physical_info.create_transaction(user_id=user_id, access_token=access_token)
    for url in infos.list_physical_infos()["physical-informations"]:
        assert infos.get_physical_info(url)["weight"] == 61.5
    infos.commit()

    assert client.pull_notifications.list() == {}
    assert client.training_data.create_transaction(user_id=user_id, access_token=access_token) is None
    client.users.delete(user_id=user_id, access_token=access_token)
    assert (
        httpx.get(
            f"{live.base_url}/v3/users/{user_id}", headers={"Authorization": f"Bearer {access_token}"}
        ).status_code
        == 401
    )
