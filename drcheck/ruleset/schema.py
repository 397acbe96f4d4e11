"""JSON Schema of a rule file (the condition itself is checked by conditions.compile_condition)."""

from drcheck.model import CATEGORIES, SEVERITIES
from drcheck.ruleset.remediation import RISK_KINDS

STATUSES = ["PASS", "FAIL", "UNKNOWN", "NOT_APPLICABLE"]

RULE_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "title", "service", "resource_type", "category", "severity", "description",
        "condition", "messages", "remediation", "references", "examples",
    ],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "title": {"type": "string", "minLength": 5},
        "service": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "resource_type": {"type": "string", "pattern": "^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$"},
        "category": {"enum": list(CATEGORIES)},
        "severity": {"enum": list(SEVERITIES)},
        "description": {"type": "string", "minLength": 20},
        "parameters": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["default", "description"],
                "properties": {"default": {}, "description": {"type": "string"}},
            },
        },
        "applies_when": {"type": "object"},
        "condition": {"type": "object"},
        "messages": {
            "type": "object",
            "additionalProperties": False,
            "required": ["pass", "fail"],
            "properties": {
                "pass": {"type": "string"},
                "fail": {"type": "string"},
                "not_applicable": {"type": "string"},
            },
        },
        "remediation": {
            "type": "object",
            "additionalProperties": False,
            "required": ["summary", "cli", "terraform"],
            "properties": {
                "summary": {"type": "string", "minLength": 10},
                "cli": {"type": "string"},
                "terraform": {"type": "string"},
                "effort": {"enum": ["setting", "change", "migration"]},
                "cost": {"type": "string"},
                # Labelled in the report and fixes.sh: who must run it, or what cannot be undone.
                "risks": {
                    "type": "array", "minItems": 1,
                    "items": {
                        "type": "object", "additionalProperties": False, "required": ["kind", "reason"],
                        "properties": {"kind": {"enum": list(RISK_KINDS)}, "reason": {"type": "string", "minLength": 10}},
                    },
                },
                # Rules whose fix must come first when both fail (versioning before replication).
                "requires": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}},
                # Values only the account owner knows: name -> how to find or choose it.
                "inputs": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
                    "additionalProperties": {"type": "string", "minLength": 10},
                },
            },
        },
        "references": {
            "type": "object",
            "additionalProperties": False,
            "required": ["well_architected"],
            "properties": {
                "well_architected": {
                    "type": "array", "minItems": 1,
                    "items": {"type": "string", "pattern": "^REL[0-9]{2}-BP[0-9]{2}$"},
                },
                "security_hub": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9]+\\.[0-9]+$"}},
                "docs": {"type": "array", "items": {"type": "string", "pattern": "^https://"}},
            },
        },
        "examples": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "status", "resource"],
                "properties": {
                    "name": {"type": "string"},
                    "status": {"enum": STATUSES},
                    "params": {"type": "object"},
                    "now": {"type": "string"},
                    "resource": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "string"},
                            "arn": {"type": "string"},
                            "name": {"type": "string"},
                            "region": {"type": "string"},
                            "account_id": {"type": "string"},
                            "properties": {"type": "object"},
                            "derived": {"type": "object"},
                            "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                            "unavailable": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "object",
                                    "properties": {"reason": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
