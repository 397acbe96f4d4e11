"""Small hand-built inventories judged through the public entry points (catalogue + assess).

Tests written this way hold whatever the link stage looks like inside: only the inventory shape
(docs/ARCHITECTURE.md) and the findings are relied on.
"""

from __future__ import annotations

from drcheck.pipeline import assess

ACCOUNT = "111122223333"
NOW = "2026-01-15T12:00:00+00:00"


def resource(resource_type: str, rid: str, *, region: str = "us-east-1", arn: str | None = None,
             tags: dict | None = None, unavailable: dict | None = None, **properties) -> dict:
    return {"resource_type": resource_type, "service": resource_type.split("::")[1].lower(), "account_id": ACCOUNT,
            "region": region, "id": rid, "arn": arn, "name": rid, "tags": tags or {}, "properties": properties,
            "unavailable": unavailable or {}}


def inventory(resources: list[dict], listed: dict[str, tuple[str, ...]] | None = None,
              failed: dict[str, tuple[str, ...]] | None = None) -> dict:
    """An inventory of `resources`; every (type, Region) they use was listed successfully, plus the
    (type -> Regions) in `listed`, and the lists in `failed` were refused."""
    scopes = {(r["resource_type"], "global" if r["resource_type"] in GLOBAL_TYPES else r["region"])
              for r in resources}
    scopes |= {(t, region) for t, regions in (listed or {}).items() for region in regions}
    collections = [{"account_id": ACCOUNT, "region": region, "resource_type": t, "status": "ok", "errors": []}
                   for t, region in sorted(scopes)]
    for t, regions in (failed or {}).items():
        collections += [{"account_id": ACCOUNT, "region": region, "resource_type": t, "status": "error",
                         "errors": [{"reason": "AccessDenied: simulated", "error_code": "AccessDenied"}]}
                        for region in regions]
    regions = sorted({r["region"] for r in resources} | {"us-east-1"})
    return {"schema_version": 1, "generated_at": NOW, "accounts": [{"account_id": ACCOUNT, "partition": "aws",
                                                                    "regions": regions}],
            "regions": regions, "collections": collections, "resources": resources, "errors": []}


GLOBAL_TYPES = {"AWS::S3::Bucket", "AWS::Route53::RecordSet", "AWS::Route53::HealthCheck", "AWS::RDS::GlobalCluster"}


def judged(catalogue, inv: dict, rule_id: str) -> dict[str, dict]:
    """resource id -> finding of one rule."""
    return {f["resource_id"]: f for f in assess(catalogue, inv).findings if f["rule_id"] == rule_id}
