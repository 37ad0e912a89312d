"""Storage types of properties, derived from the pydantic declarations.

Both stores and the DataFrame form of tables take their column types from here, so a
property typed once in ``nodes.py`` or ``relationships.py`` is typed the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from enum import StrEnum
from functools import cache

from pydantic import BaseModel


class PropertyType(StrEnum):
    STRING = "STRING"
    INT64 = "INT64"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"


_BY_PYTHON_TYPE: dict[type, PropertyType] = {
    str: PropertyType.STRING,
    int: PropertyType.INT64,
    float: PropertyType.DOUBLE,
    bool: PropertyType.BOOLEAN,
    dt.date: PropertyType.DATE,
}


def property_type(annotation: object) -> PropertyType:
    """Map ``int | None``, ``Annotated[date, ...]``, ``Literal['a', 'b']`` to a storage type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return property_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return property_type(args[0])
    if origin is typing.Literal:
        return property_type(type(typing.get_args(annotation)[0]))
    if isinstance(annotation, type) and annotation in _BY_PYTHON_TYPE:
        return _BY_PYTHON_TYPE[annotation]
    raise TypeError(f"no storage type for {annotation!r}")


@cache
def model_property_types(model: type[BaseModel]) -> dict[str, PropertyType]:
    """Property name -> storage type for a node label or relationship property model."""
    found = {name: property_type(f.annotation) for name, f in model.model_fields.items()}
    for name, python_type in getattr(model, "derived", {}).items():
        found[name] = property_type(python_type)
    return found
