"""Exercise files over HTTP: FIT (Garmin encoder), TCX and GPX; bad files never stored, never a 500."""

from __future__ import annotations

import json
import random
from pathlib import Path

import httpx
import pytest

from tests import dbcheck
from tests.conftest import Live
from tests.flows import signup
from tests.test_formats_import import make_gpx, make_tcx
from tests.test_ingest import device_token

FIT_DIR = Path(__file__).parent / "fixtures" / "fit"


def upload(
    live: Live, auth: dict[str, str], name: str, content: bytes, fmt: str | None = None
) -> httpx.Response:
    data = {"format": fmt} if fmt else {}
    return httpx.post(
        f"{live.base_url}/ingest/v1/exercises",
        files={"file": (name, content)},
        data=data,
        headers=auth,
        timeout=60,
    )


def test_fit_upload_is_stored_with_the_values_the_encoder_wrote(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    expected = json.loads((FIT_DIR / "run_20min.json").read_text())
    r = upload(live, auth, "run_20min.fit", (FIT_DIR / "run_20min.fit").read_bytes())
    assert r.status_code == 201, r.text
    assert r.json()["day"] == "2024-05-12"
    again = upload(live, auth, "run_20min.fit", (FIT_DIR / "run_20min.fit").read_bytes())
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert dbcheck.counts(live.database_url, person.user_id) == (1, 0, 1)
    assert expected["hr_max"] == 154


@pytest.mark.parametrize("kind", ["tcx", "gpx"])
def test_xml_uploads(live: Live, kind: str) -> None:
    person = signup(live.base_url)
    content = make_tcx() if kind == "tcx" else make_gpx()
    r = upload(live, device_token(person), f"morning.{kind}", content)
    assert r.status_code == 201, r.text
    assert r.json()["family"] == "exercise" and r.json()["hashed_id"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("bad_hr.fit", "heart"),
        ("bad_duration.fit", "more than 7 days"),
        ("bad_zero_duration.fit", "duration"),
        ("bad_no_activity.fit", "FIT"),
    ],
)
def test_absurd_fit_files_are_400(live: Live, name: str, fragment: str) -> None:
    person = signup(live.base_url)
    r = upload(live, device_token(person), name, (FIT_DIR / name).read_bytes())
    assert r.status_code == 400
    assert fragment.lower() in r.json()["error"]["message"].lower(), r.json()
    assert dbcheck.counts(live.database_url, person.user_id) == (0, 0, 0)


def test_broken_and_hostile_files_are_400(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    run = (FIT_DIR / "run_20min.fit").read_bytes()
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<TrainingCenterDatabase>&b;</TrainingCenterDatabase>"
    )
    cases = [
        ("half.fit", run[: len(run) // 2]),
        ("empty.fit", b""),
        ("noise.fit", bytes(random.Random(1).randrange(256) for _ in range(4000))),
        ("bomb.tcx", bomb),
        (
            "nopoints.gpx",
            b'<?xml version="1.0"?><gpx version="1.1" creator="x" '
            b'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg/></trk></gpx>',
        ),
        ("broken.gpx", b"<gpx><trk>"),
        ("unknown.bin", b"hello"),
    ]
    for name, content in cases:
        r = upload(live, auth, name, content)
        assert r.status_code == 400, (name, r.text)
        assert r.json()["error"]["message"], name
    assert (
        httpx.post(
            f"{live.base_url}/ingest/v1/exercises", files={"wrong": ("a.fit", run)}, headers=auth
        ).status_code
        == 400
    )
    assert dbcheck.counts(live.database_url, person.user_id) == (0, 0, 0)
    assert upload(live, auth, "run.fit", run).status_code == 201  # still serving


def test_mutated_fit_files_never_make_the_server_fail(live: Live) -> None:
    person = signup(live.base_url)
    auth = device_token(person)
    original = (FIT_DIR / "ride_60min.fit").read_bytes()
    rng = random.Random(20261124)
    with httpx.Client(headers=auth, timeout=60) as http:
        for _ in range(40):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if rng.random() < 0.3:
                del data[rng.randrange(len(data)) :]
            r = http.post(f"{live.base_url}/ingest/v1/exercises", files={"file": ("m.fit", bytes(data))})
            assert r.status_code in (200, 201, 400), r.text
