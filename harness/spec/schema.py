"""The JSON Schema of spec files, generated from the models that parse them.

Rules this module keeps:
- specs/schema.json is this function's output (a test keeps them equal), so editors
  that validate YAML against it agree with the harness.
- A step is an object with exactly one property, the step's name; its value is the
  step's arguments, or for steps with a shorthand, that one scalar.
"""

from __future__ import annotations

from typing import Any

from harness.spec.model import SpecDef
from harness.spec.steps import STEPS

REF = "#/$defs/{model}"


def _lift(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    defs.update(schema.pop("$defs", {}))
    return schema


def spec_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    top = _lift(SpecDef.model_json_schema(ref_template=REF), defs)
    variants = []
    for name, model in STEPS.items():
        args = _lift(model.model_json_schema(ref_template=REF), defs)
        value: dict[str, Any] = args
        if model.shorthand is not None:
            short = args["properties"][model.shorthand]
            value = {"anyOf": [args, {k: v for k, v in short.items() if k != "description"}]}
        variants.append({
            "type": "object", "description": (model.__doc__ or "").strip(),
            "properties": {name: value}, "required": [name], "additionalProperties": False,
        })
        if name == "repeat":
            args["properties"]["steps"]["items"] = {"$ref": "#/$defs/Step"}
    defs["Step"] = {"oneOf": variants}
    defs["BehaviourDef"]["properties"]["steps"]["items"] = {"$ref": "#/$defs/Step"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sockgrade.invalid/specs/schema.json",
        **top,
        "$defs": dict(sorted(defs.items())),
    }
