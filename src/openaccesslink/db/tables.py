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
    LargeBinary,
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

# ---- the Flow side: synced data -------------------------------------------------------------
# Samples, routes and documents are stored compactly as compressed blobs (db/blob.py), one row
# per synced item, never one row per sample.

exercises = Table(
    "exercises",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hashed_id", String(12), nullable=False, unique=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("start_time", DateTime, nullable=False),  # UTC
    Column("utc_offset_minutes", Integer, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("sport", String(40), nullable=False),
    Column("detailed_sport", String(60), nullable=True),
    Column("device", String(100), nullable=True),
    Column("device_id", String(40), nullable=True),
    Column("distance_m", Float, nullable=True),
    Column("calories", Integer, nullable=True),
    Column("hr_avg", Integer, nullable=True),
    Column("hr_max", Integer, nullable=True),
    Column("has_route", Boolean, nullable=False),
    Column("sample_types", String(64), nullable=False, server_default=""),  # "0,1,3,11"
    Column("summary", LargeBinary, nullable=False),  # the rest of the summary, laps, pauses
    Column("samples", LargeBinary, nullable=False),  # all series and the route
    Column("source_format", String(8), nullable=True),  # fit, tcx, gpx, json
    Column("source_file", LargeBinary, nullable=True),  # the original upload, kept as it came
    Column("uploaded_at", DateTime, nullable=False),
    UniqueConstraint("account_id", "start_time", name="uq_exercises_account_start"),
    Index("ix_exercises_account_uploaded", "account_id", "uploaded_at"),
)

# Every other family: one document per synced item. record_key identifies an item within its
# family for re-syncs (the night's date, a test's time, ...); families that keep every sync
# (daily activity, physical information) use a unique key per upload.
daily_records = Table(
    "daily_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("family", String(40), nullable=False),
    Column("record_key", String(80), nullable=False),
    Column("day", Date, nullable=False),  # the user's local date the item belongs to
    Column("document", LargeBinary, nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
    UniqueConstraint("account_id", "family", "record_key", name="uq_daily_records_key"),
    Index("ix_daily_records_account_family_day", "account_id", "family", "day"),
    Index("ix_daily_records_account_uploaded", "account_id", "uploaded_at"),
)

# What happened, written in the same unit of work as the data: consumed by transactions,
# notifications, webhooks and cardio load.
domain_events = Table(
    "domain_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("family", String(40), nullable=False),
    Column("action", String(10), nullable=False),  # created, updated
    Column("entity_id", Integer, nullable=False),  # exercises.id or daily_records.id
    Column("day", Date, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_domain_events_account", "account_id", "id"),
)

# Tokens a person creates on the account pages so a device (or script) can sync as them.
device_tokens = Table(
    "device_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

# Export files built once per exercise and format (FIT, TCX, GPX): a download is a read.
exercise_files = Table(
    "exercise_files",
    metadata,
    Column("exercise_id", Integer, ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True),
    Column("format", String(8), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("content_encoding", String(16), nullable=True),  # "gzip" when stored compressed
    Column("built_at", DateTime, nullable=False),
)

# ---- the transaction model (exercise, activity, physical information) --------------------

transactions = Table(
    "transactions",
    metadata,
    Column("id", Integer, primary_key=True),  # the wire's transaction-id
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("family", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # disbanded from then on unless committed
    Column("committed_at", DateTime, nullable=True),
    Index("ix_transactions_open", "client_pk", "account_id", "family", "committed_at"),
)

transaction_items = Table(
    "transaction_items",
    metadata,
    Column("transaction_id", Integer, ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", Integer, primary_key=True),
)

# What a partner has committed: never delivered to that partner again.
deliveries = Table(
    "deliveries",
    metadata,
    Column("client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), primary_key=True),
    Column("family", String(40), primary_key=True),
    Column("entity_id", Integer, primary_key=True),
    Column("committed_at", DateTime, nullable=False),
)

# ---- webhooks (doc: Webhooks): one per partner, an outbox of deliveries, a log of attempts ----

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(16), nullable=False, unique=True),  # the wire's webhook id ("abdf33")
    Column(
        "client_pk", Integer, ForeignKey("api_clients.id", ondelete="CASCADE"), nullable=False, unique=True
    ),
    Column("url", String(2000), nullable=False),
    Column("events", String(200), nullable=False),  # ",EXERCISE,SLEEP," (delimited for LIKE)
    Column("secret", String(64), nullable=False),  # signs every payload; shown once at create
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("failing_since", DateTime, nullable=True),  # first failure after the last success
    Column("last_success_at", DateTime, nullable=True),
    Column("deactivated_at", DateTime, nullable=True),
    Column("deactivated_reason", String(20), nullable=True),  # partner, failures
)

# The outbox: written in the unit of work that stores the data it announces.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("webhook_id", Integer, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("fields", String(200), nullable=False),  # JSON: entity_id, date or from/to
    Column("path", String(300), nullable=False),  # the payload url, relative to PUBLIC_BASE_URL
    Column("created_at", DateTime, nullable=False),  # also the payload's timestamp
    Column("status", String(10), nullable=False),  # pending, delivered, failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime, nullable=True),  # claimed by a dispatcher until then
    Column("lease_token", String(48), nullable=True),
    Column("last_attempt_at", DateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(200), nullable=True),
    Column("last_latency_ms", Float, nullable=True),
    Column("delivered_at", DateTime, nullable=True),
    Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
)
# What the dispatchers claim from: pending rows only, in the order they fall due.
Index(
    "ix_webhook_deliveries_due",
    webhook_deliveries.c.next_attempt_at,
    webhook_deliveries.c.id,
    postgresql_where=webhook_deliveries.c.status == "pending",
    sqlite_where=webhook_deliveries.c.status == "pending",
)

# The delivery log's failed attempts (a delivery's final success is recorded on its own row).
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", DateTime, nullable=False),
    Column("status_code", Integer, nullable=True),  # None: no HTTP answer (see error)
    Column("latency_ms", Float, nullable=False),
    Column("error", String(200), nullable=True),
    Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
)
