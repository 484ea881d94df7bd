"""The production app plus one hello-world route, for bench/users_get.py.

    uvicorn --factory --app-dir bench hello_app:app_from_env

`create_app()` builds the real application (settings from the environment, same
routers, exception handlers, SessionMiddleware and EdgeMiddleware). The extra
route is added to the same router, so it runs through the very same middleware
stack and FastAPI routing; it only skips dependencies and the database, which
makes it the baseline the users route is compared to.
"""

from __future__ import annotations

import orjson
from fastapi import FastAPI
from starlette.responses import Response

from openaccesslink.api.app import create_app

HELLO_PATH = "/__bench/hello"
HELLO_BODY = {"hello": "world"}


def app_from_env() -> FastAPI:
    app = create_app()

    @app.get(HELLO_PATH, include_in_schema=False)
    async def bench_hello() -> Response:
        # rendered the way the API renders JSON (negotiation.render): orjson + Response
        return Response(orjson.dumps(HELLO_BODY), 200, media_type="application/json")

    return app
