"""An exercise posted as JSON: our ExerciseData in snake_case, validated with pydantic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from openaccesslink.formats.model import (
    Device,
    ExerciseData,
    FileRejected,
    Lap,
    Pause,
    RoutePoint,
    SampleSeries,
    SampleType,
)

MAX_DURATION_S = 7 * 24 * 3600


class _Series(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sample_type: SampleType
    recording_rate: int | None = Field(default=None, ge=1, le=3600)
    values: list[float | None] = Field(max_length=2_000_000)


class _Point(BaseModel):
    model_config = ConfigDict(extra="forbid")
    offset_s: float = Field(ge=0)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    altitude: float | None = Field(default=None, ge=-500, le=9000)


class _Lap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_offset_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)
    distance_m: float | None = Field(default=None, ge=0)
    hr_avg: int | None = Field(default=None, ge=20, le=250)
    hr_max: int | None = Field(default=None, ge=20, le=250)
    speed_avg_kmh: float | None = Field(default=None, ge=0, le=300)
    cadence_avg: int | None = Field(default=None, ge=0, le=300)
    power_avg: int | None = Field(default=None, ge=0, le=3000)


class _Pause(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_offset_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)


class _Device(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=100)
    device_id: str | None = Field(default=None, max_length=40)


class ExerciseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_time: datetime
    utc_offset_minutes: int = Field(default=0, ge=-14 * 60, le=14 * 60)
    duration_s: float = Field(gt=0, le=MAX_DURATION_S)
    sport: str = Field(default="OTHER", min_length=1, max_length=40)
    detailed_sport: str | None = Field(default=None, max_length=60)
    fit_sport: int | None = Field(default=None, ge=0, le=254)
    fit_sub_sport: int | None = Field(default=None, ge=0, le=254)
    device: _Device = Field(default_factory=_Device)
    distance_m: float | None = Field(default=None, ge=0, le=2_000_000)
    calories: int | None = Field(default=None, ge=0, le=50_000)
    hr_avg: int | None = Field(default=None, ge=20, le=250)
    hr_max: int | None = Field(default=None, ge=20, le=250)
    training_load: float | None = Field(default=None, ge=0, le=10_000)
    running_index: int | None = Field(default=None, ge=1, le=150)
    fat_percentage: int | None = Field(default=None, ge=0, le=100)
    carbohydrate_percentage: int | None = Field(default=None, ge=0, le=100)
    protein_percentage: int | None = Field(default=None, ge=0, le=100)
    samples: list[_Series] = Field(default_factory=list)
    route: list[_Point] = Field(default_factory=list)
    laps: list[_Lap] = Field(default_factory=list)
    pauses: list[_Pause] = Field(default_factory=list)

    @field_validator("start_time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("start_time needs a UTC offset or Z")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _consistent(self) -> ExerciseIn:
        types = [s.sample_type for s in self.samples]
        if len(set(types)) != len(types):
            raise ValueError("each sample_type may appear once")
        for s in self.samples:
            if s.sample_type is SampleType.RR_INTERVAL:
                if s.recording_rate is not None:
                    raise ValueError("RR intervals have no recording_rate")
            elif s.recording_rate is None:
                raise ValueError(f"sample_type {int(s.sample_type)} needs a recording_rate")
            elif any(v is None for v in s.values):
                raise ValueError(f"only RR intervals may contain null (sample_type {int(s.sample_type)})")
        if self.hr_avg and self.hr_max and self.hr_avg > self.hr_max:
            raise ValueError("hr_avg is above hr_max")
        return self


def parse(payload: Any) -> ExerciseData:
    try:
        model = ExerciseIn.model_validate(payload)
    except ValidationError as exc:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err["loc"])
            parts.append(f"{where}: {err['msg']}" if where else err["msg"])
        raise FileRejected("invalid exercise: " + "; ".join(parts)) from exc
    hr = next((s for s in model.samples if s.sample_type is SampleType.HEART_RATE), None)
    hr_values = [v for v in (hr.values if hr else []) if v is not None]
    return ExerciseData(
        start_time_utc=model.start_time,
        utc_offset_minutes=model.utc_offset_minutes,
        duration_s=model.duration_s,
        sport=model.sport.upper(),
        detailed_sport=model.detailed_sport,
        fit_sport=model.fit_sport,
        fit_sub_sport=model.fit_sub_sport,
        device=Device(model.device.name, model.device.device_id),
        distance_m=model.distance_m,
        calories=model.calories,
        hr_avg=model.hr_avg
        if model.hr_avg is not None
        else (round(sum(hr_values) / len(hr_values)) if hr_values else None),
        hr_max=model.hr_max if model.hr_max is not None else (round(max(hr_values)) if hr_values else None),
        training_load=model.training_load,
        running_index=model.running_index,
        fat_percentage=model.fat_percentage,
        carbohydrate_percentage=model.carbohydrate_percentage,
        protein_percentage=model.protein_percentage,
        samples={
            s.sample_type: SampleSeries(s.sample_type, s.recording_rate, list(s.values))
            for s in model.samples
        },
        route=[RoutePoint(p.offset_s, p.latitude, p.longitude, p.altitude) for p in model.route],
        laps=[Lap(**lap.model_dump()) for lap in model.laps],
        pauses=[Pause(**p.model_dump()) for p in model.pauses],
    )


def dump(data: ExerciseData) -> dict[str, Any]:
    """ExerciseData -> the JSON this module parses (used by the simulator path and the CLI)."""
    return {
        "start_time": data.start_time_utc.isoformat(),
        "utc_offset_minutes": data.utc_offset_minutes,
        "duration_s": data.duration_s,
        "sport": data.sport,
        "detailed_sport": data.detailed_sport,
        "fit_sport": data.fit_sport,
        "fit_sub_sport": data.fit_sub_sport,
        "device": {"name": data.device.name, "device_id": data.device.device_id},
        "distance_m": data.distance_m,
        "calories": data.calories,
        "hr_avg": data.hr_avg,
        "hr_max": data.hr_max,
        "training_load": data.training_load,
        "running_index": data.running_index,
        "fat_percentage": data.fat_percentage,
        "carbohydrate_percentage": data.carbohydrate_percentage,
        "protein_percentage": data.protein_percentage,
        "samples": [
            {"sample_type": int(t), "recording_rate": s.recording_rate, "values": s.values}
            for t, s in sorted(data.samples.items())
        ],
        "route": [
            {"offset_s": p.offset_s, "latitude": p.latitude, "longitude": p.longitude, "altitude": p.altitude}
            for p in data.route
        ],
        "laps": [lap.__dict__ for lap in data.laps],
        "pauses": [p.__dict__ for p in data.pauses],
    }
