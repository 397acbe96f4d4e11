"""A JSON Schema for one OCSF event class, built from OCSF's published schema files.

OCSF publishes its schema as definition files (dictionary, events, objects, profiles, includes;
vendored from the ocsf-schema repository in tests/data/schemas/ocsf-1.3.0); its server's JSON
Schema export is generated from those files. This does the same resolution for the one class
drcheck writes: `extends` chains and `$include`s merged, attribute types from the dictionary
(scalar types with their length limits and patterns, objects as `$defs`, arrays), enumerated
`*_id` values, `required` attributes, object constraints (`at_least_one`, `just_one`), and
profiles: attributes of a profile the event declares in `metadata.profiles` are allowed (and
required where the profile says so); any other attribute is refused, so a misspelt field fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OCSF = Path(__file__).resolve().parent / "data" / "schemas" / "ocsf-1.3.0"
SCALARS = {"string_t": "string", "integer_t": "integer", "long_t": "integer", "float_t": "number",
           "boolean_t": "boolean"}


def _read(relative: str) -> dict[str, Any]:
    return json.loads((OCSF / relative).read_text(encoding="utf-8"))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class ClassSchema:
    def __init__(self, event_file: str, profiles: tuple[str, ...]):
        self.dictionary = _read("dictionary.json")
        self.types = self.dictionary["types"]["attributes"]
        self.profiles = profiles
        self.defs: dict[str, Any] = {}
        self.event_file = event_file

    # -- definitions with extends / $include resolved ---------------------------------------------

    def _attributes(self, definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
        attributes: dict[str, dict[str, Any]] = {}
        for key, value in definition.get("attributes", {}).items():
            if key == "$include":
                for included in value:
                    profile = included.removeprefix("profiles/").removesuffix(".json")
                    if included.startswith("profiles/") and profile not in self.profiles:
                        continue
                    for name, spec in self._attributes(_read(included)).items():
                        attributes[name] = _merge(attributes.get(name, {}), spec)
            else:
                attributes[key] = _merge(attributes.get(key, {}), value)
        return attributes

    def _object_definition(self, name: str) -> dict[str, Any]:
        definition = _read(f"objects/{name}.json")
        if definition.get("extends"):
            parent = self._object_definition(definition["extends"])
            attributes = parent["attributes"]
            for key, spec in self._attributes(definition).items():
                attributes[key] = _merge(attributes.get(key, {}), spec)
            return {**parent, **{k: v for k, v in definition.items() if k != "attributes"}, "attributes": attributes}
        return {**definition, "attributes": self._attributes(definition)}

    def _event_definition(self, relative: str) -> dict[str, Any]:
        definition = _read(relative)
        attributes: dict[str, dict[str, Any]] = {}
        if definition.get("extends"):
            parent_file = ("events/base_event.json" if definition["extends"] == "base_event"
                           else f"events/{definition.get('category', 'findings')}/{definition['extends']}.json")
            attributes = self._event_definition(parent_file)["attributes"]
        for key, spec in self._attributes(definition).items():
            attributes[key] = _merge(attributes.get(key, {}), spec)
        return {**definition, "attributes": attributes}

    # -- JSON Schema ------------------------------------------------------------------------------

    def _scalar(self, type_name: str) -> dict[str, Any]:
        spec = self.types[type_name]
        schema: dict[str, Any] = {}
        base = type_name
        while base not in SCALARS and base != "json_t":
            schema.update(self._limits(spec))
            base = spec["type"]
            spec = self.types[base]
        schema.update(self._limits(spec))
        if base != "json_t":
            schema["type"] = SCALARS[base]
        return schema

    @staticmethod
    def _limits(spec: dict[str, Any]) -> dict[str, Any]:
        limits: dict[str, Any] = {}
        if "max_len" in spec:
            limits["maxLength"] = spec["max_len"]
        if "regex" in spec:
            limits["pattern"] = spec["regex"]
        if "range" in spec:
            limits["minimum"], limits["maximum"] = spec["range"]
        return limits

    def _attribute(self, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        entry = _merge(self.dictionary["attributes"].get(name, {}), spec)
        type_name = entry.get("type")
        if type_name is None:
            raise KeyError(f"OCSF attribute {name!r} has no type in the dictionary")
        if type_name.endswith("_t"):
            schema = self._scalar(type_name)
        elif type_name == "object":
            schema = {"type": "object"}
        else:
            schema = {"$ref": f"#/$defs/{type_name}"}
            self._define(type_name)
        if entry.get("enum") and type_name in ("integer_t", "long_t"):
            schema["enum"] = sorted(int(value) for value in entry["enum"])
        if entry.get("is_array"):
            schema = {"type": "array", "items": schema}
        return schema

    def _properties(self, attributes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}
        required = []
        for name, spec in sorted(attributes.items()):
            schema["properties"][name] = self._attribute(name, spec)
            if spec.get("requirement") == "required":
                required.append(name)
        if required:
            schema["required"] = required
        return schema

    def _define(self, name: str) -> None:
        if name in self.defs:
            return
        self.defs[name] = {}  # placeholder: objects refer to each other
        definition = self._object_definition(name)
        schema = self._properties(definition["attributes"])
        constraints = definition.get("constraints") or {}
        if constraints.get("at_least_one"):
            schema["anyOf"] = [{"required": [n]} for n in constraints["at_least_one"]]
        if constraints.get("just_one"):
            schema["oneOf"] = [{"required": [n]} for n in constraints["just_one"]]
        self.defs[name] = schema

    def build(self) -> dict[str, Any]:
        definition = self._event_definition(self.event_file)
        category_uid = _read("categories.json")["attributes"][definition["category"]]["uid"]
        class_uid = category_uid * 1000 + definition["uid"]
        schema = self._properties(definition["attributes"])
        activities = sorted(int(a) for a in definition["attributes"]["activity_id"]["enum"])
        schema["properties"]["category_uid"] = {"const": category_uid}
        schema["properties"]["class_uid"] = {"const": class_uid}
        schema["properties"]["type_uid"] = {"enum": [class_uid * 100 + a for a in activities]}
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": f"OCSF {_read('version.json')['version']} {definition['caption']}",
                **schema, "$defs": self.defs}


def detection_finding_schema(profiles: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of an OCSF Detection Finding (class 2004) with these profiles applied."""
    return ClassSchema("events/findings/detection_finding.json", profiles).build()
