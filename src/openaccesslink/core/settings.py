"""Settings read from the environment (pydantic-settings); one instance per app."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

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

    # limits
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 64 * 1_048_576  # /ingest: exercise files
    auth_code_ttl_seconds: int = 600
    token_expires_in: int = 31_535_999
    rate_limit_short_base: int = 500
    rate_limit_short_per_user: int = 20
    rate_limit_long_base: int = 5000
    rate_limit_long_per_user: int = 100
    rate_limit_short_window_seconds: int = 900
    rate_limit_long_window_seconds: int = 86_400
    rate_limit_recompute_seconds: int = 86_400

    # cookies: set true when served over https
    secure_cookies: bool = False

    @property
    def base_url(self) -> str:
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
