"""Settings read from the environment (pydantic-settings); one instance per app."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ErrorShape(StrEnum):
    LIVE = "live"  # {"error": {"timestamp", "status", "error_type", "message", "corr_id"}}
    DOCUMENTED = "documented"  # flat camelCase model from the doc's "error" schema


class CodeReplayRevocation(StrEnum):
    CODE = "code"  # revoke the tokens issued from the replayed code
    USER_CLIENT = "user_client"  # revoke every token of this user for this client


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./var/openaccesslink.db"
    public_base_url: str = ""  # default: http://HOST:PORT
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = Field(default="", description="signs session cookies; generated under ./var if empty")
    var_dir: Path = Path("./var")

    # fidelity switches: live behaviour by default, documented behaviour behind a setting
    error_shape: ErrorShape = ErrorShape.LIVE
    code_replay_revokes: CodeReplayRevocation = CodeReplayRevocation.CODE
    # TCX downloads: gzip as Content-Encoding when the request accepts it, else plain (false); or the
    # gzip bytes as the body itself, with no Content-Encoding, whatever the request says (true)
    tcx_raw_gzip: bool = False

    # limits
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 64 * 1_048_576  # /ingest: exercise files
    # webhooks (delivery/): see docs/webhooks.md
    webhook_dispatcher: bool = True  # deliver from inside the server process; false when `worker` runs
    webhook_timeout_seconds: float = 10.0
    webhook_accept_any_2xx: bool = False  # success is exactly 200, as the doc says
    webhook_retry_schedule: list[float] = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
    webhook_deactivate_after_seconds: int = 7 * 86_400  # without one successful delivery
    webhook_give_up_after_seconds: int = 7 * 86_400  # a delivery older than this fails for good
    webhook_poll_seconds: float = 0.2
    webhook_max_in_flight: int = 256
    webhook_lease_seconds: float = 60.0  # a claimed delivery is someone else's to retry after this
    webhook_allow_loopback: bool = True  # sandbox default; set false in production
    webhook_allow_private: bool = False  # private, link-local, CGNAT and cloud-metadata addresses
    webhook_get_returns_list: bool = False  # GET /v3/webhooks: the doc's object, or the 2026 list
    webhook_log_retention_days: int = 30  # delivered and failed deliveries are pruned after this
    webhook_http_client: Literal["http11", "aiohttp"] = "http11"  # the lean client, or aiohttp
    auth_code_ttl_seconds: int = 600
    token_expires_in: int = 31_535_999
    rate_limit_short_base: int = 500
    rate_limit_short_per_user: int = 20
    rate_limit_long_base: int = 5000
    rate_limit_long_per_user: int = 100
    rate_limit_short_window_seconds: int = 900
    rate_limit_long_window_seconds: int = 86_400
    rate_limit_recompute_seconds: int = 86_400
    # cardio load (domains/cardio_load.py): status from strain / tolerance, levels x 90-day mean
    cardio_detraining_below: float = 0.8
    cardio_productive_from: float = 1.0
    cardio_overreaching_above: float = 1.5
    cardio_level_multipliers: tuple[float, float, float, float, float] = (0.4, 0.7, 1.0, 1.3, 1.6)

    # sandbox time control: when set, the process's Clock starts here (ISO-8601, with offset) and
    # only moves when told to; unset, the Clock is the system's
    clock_start: datetime | None = None

    # sandbox: keep syncing the demo people's simulated data while serving (make run turns it on)
    live_sync: bool = False
    live_sync_seconds: float = 60.0

    # cookies: set true when served over https
    secure_cookies: bool = False

    @property
    def base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
