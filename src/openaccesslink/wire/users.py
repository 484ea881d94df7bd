"""Wire shapes of the Users resource (kebab-case, as in the doc)."""

from __future__ import annotations

from typing import Any

from openaccesslink.core.clock import iso_millis


def user(row: Any) -> dict[str, Any]:
    return {
        "polar-user-id": row["id"],
        "member-id": row["member_id"],
        "registration-date": iso_millis(row["registered_at"]),
        "first-name": row["first_name"],
        "last-name": row["last_name"],
        "birthdate": row["birthdate"].isoformat() if row["birthdate"] else None,
        "gender": row["sex"],
        "weight": row["weight"],
        "height": row["height"],
        "extra-info": None,
    }
