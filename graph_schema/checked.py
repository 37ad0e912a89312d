"""The base of every node and edge-property model: the date rules, once per row.

``IsoFormat`` and ``NotFuture`` markers (see ``graph_schema.types``) are collected per class
when it is defined; one wrap validator then checks a row's raw date cells for the
`YYYY-MM-DD` form before pydantic parses them, and the parsed dates against the batch's day
after. A rule broken is reported in the words field teams read in their rejects file:
"unparseable date in departed_on", "date in the future in start_on".
"""

from __future__ import annotations

from typing import Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.fields import FieldInfo

from graph_schema.types import IsoFormat, NotFuture, today


class Checked(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    iso_fields: ClassVar[tuple[str, ...]] = ()
    not_future_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        fields = [(n, _markers(f)) for n, f in cls.model_fields.items()]
        cls.iso_fields = tuple(n for n, ms in fields if any(isinstance(m, IsoFormat) for m in ms))
        cls.not_future_fields = tuple(
            n for n, ms in fields if any(isinstance(m, NotFuture) for m in ms)
        )

    @model_validator(mode="wrap")
    @classmethod
    def _date_rules(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict):
            for name in cls.iso_fields:
                value = data.get(name)
                if type(value) is str and not _iso_shaped(value):
                    raise ValueError(f"unparseable date in {name}")
        model = handler(data)
        if cls.not_future_fields:
            day = today()
            for name in cls.not_future_fields:
                value = getattr(model, name)
                if value is None:
                    continue
                if (value > day.year) if isinstance(value, int) else (value > day):
                    what = "year" if isinstance(value, int) else "date"
                    raise ValueError(f"{what} in the future in {name}")
        return model


def _markers(field: FieldInfo) -> list[Any]:
    """A field's markers, also those of an optional one (``PastDate | None``), where they
    sit inside the union, not on the field: they were missed there until the
    property tests (tests/test_bad_input_properties.py) found a future ``registered_on`` stored."""
    found = list(field.metadata)
    for arg in get_args(field.annotation):
        found += getattr(arg, "__metadata__", ())
    return found


def _iso_shaped(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii()
