"""The schema. Alembic migrations build it; tests/test_migrations.py checks they agree."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# A Flow account: the person whose data AccessLink serves (polar-user-id == accounts.id).
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("first_name", String(100), nullable=False, server_default=""),
    Column("last_name", String(100), nullable=False, server_default=""),
    Column("birthdate", Date, nullable=True),
    Column("sex", String(6), nullable=True),
    Column("weight", Float, nullable=True),
    Column("height", Float, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# One row per (account, data family) the account has agreed to share.
consents = Table(
    "consents",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("family", String(40), primary_key=True),
    Column("given_at", DateTime, nullable=False),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("owner_account_id", Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
)

redirect_urls = Table(
    "redirect_urls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("is_default", Boolean, nullable=False, server_default="0"),
    UniqueConstraint("client_pk", "url", name="uq_redirect_urls_client_url"),
)

auth_codes = Table(
    "auth_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # redirect_uri as sent to the authorization endpoint (None when it was omitted)
    Column("redirect_uri", String(2000), nullable=True),
    Column("scope", String(200), nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime, nullable=True),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Integer, ForeignKey("auth_codes.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Index("ix_access_tokens_account_client", "account_id", "client_pk"),
)

# An account registered with a partner through POST /v3/users.
registrations = Table(
    "registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", String(200), nullable=False),
    Column("registered_at", DateTime, nullable=False),
    UniqueConstraint("client_pk", "account_id", name="uq_registrations_client_account"),
    UniqueConstraint("client_pk", "member_id", name="uq_registrations_client_member"),
)
