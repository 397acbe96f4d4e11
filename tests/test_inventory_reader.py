"""The inventory reader refuses every malformed file with one line (exit 2), before any stage sees it."""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from drcheck.errors import UserError
from drcheck.inventory import read_inventory

BASE = {
    "schema_version": 1,
    "generated_at": "2026-01-15T12:00:00+00:00",
    "accounts": [{"account_id": "123456789012", "partition": "aws", "name": None, "regions": ["us-east-1"],
                  "skipped_regions": []}],
    "regions": ["us-east-1"],
    "unreachable_accounts": [],
    "plan": {"AWS::S3::Bucket": ["BucketVersioning"]},
    "collections": [{"account_id": "123456789012", "region": "global", "resource_type": "AWS::S3::Bucket",
                     "status": "ok", "details": ["BucketVersioning"]}],
    "resources": [{"resource_type": "AWS::S3::Bucket", "service": "s3", "account_id": "123456789012",
                   "region": "us-east-1", "id": "logs", "arn": "arn:aws:s3:::logs", "name": "logs",
                   "tags": {"team": "core"}, "properties": {"Name": "logs", "BucketVersioning": {"Status": "Enabled"}},
                   "unavailable": {}}],
    "errors": [],
}


def mutated(path: tuple, value) -> dict:
    data = copy.deepcopy(BASE)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def read(tmp_path, content: bytes):
    path = tmp_path / "inventory.json"
    path.write_bytes(content)
    with pytest.raises(UserError) as error:
        read_inventory(path)
    message = str(error.value)
    assert "\n" not in message and len(message) < 600
    return message


def test_the_base_inventory_reads(tmp_path):
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(BASE))
    assert read_inventory(path)["resources"][0]["id"] == "logs"


@pytest.mark.parametrize("path,value,fragment", [
    (("resources", 0, "id"), ["a"], "resources/0/id"),
    (("resources", 0, "region"), {"a": 1}, "resources/0/region"),
    (("resources", 0, "account_id"), 12, "resources/0/account_id"),
    (("resources", 0, "name"), 5, "resources/0/name"),
    (("resources", 0, "tags"), ["a", "b"], "resources/0/tags"),
    (("resources", 0, "tags"), {"a": 1}, "resources/0/tags/a"),
    (("resources", 0, "unavailable"), {"BucketVersioning": "denied"}, "resources/0/unavailable/BucketVersioning"),
    (("resources", 0, "resource_type"), None, "resources/0/resource_type"),
    (("resources", 0, "resource_type"), "AWS::Nope::Thing", "resource types this drcheck does not know"),
    (("collections", 0, "status"), "maybe", "collections/0/status"),
    (("collections", 0, "errors"), "boom", "collections/0/errors"),
    (("accounts", 0, "account_id"), None, "accounts/0/account_id"),
    (("accounts", 0, "regions"), "us-east-1", "accounts/0/regions"),
    (("errors",), [{"operation": ["x"]}], "errors/0/operation"),
    (("unreachable_accounts",), [{"account_id": "1"}], "unreachable_accounts/0"),
    (("generated_at",), "last tuesday", "is not an ISO 8601 time"),
    (("generated_at",), "2027-02-30T00:00:00", "is not an ISO 8601 time"),
    (("regions",), [None], "regions/0"),
    (("schema_version",), "1", "schema_version '1'"),
])
def test_wrong_inner_shape_is_refused(tmp_path, path, value, fragment):
    assert fragment in read(tmp_path, json.dumps(mutated(path, value)).encode())


@pytest.mark.parametrize("content,fragment", [
    (gzip.compress(json.dumps(BASE).encode(), mtime=0)[:40], "damaged gzip"),
    (b"\x1f\x8b" + b"\x00" * 30, "damaged gzip"),
    (json.dumps(BASE).encode("utf-16"), "not UTF-8"),
    (b'{"a": "\xff\xfe"}', "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (json.dumps(mutated(("resources", 0, "properties"), {"x": json.loads("[" * 300 + "]" * 300)})).encode(),
     "nested more than 200 levels"),
    (b'{"schema_version": 1, "x": ' + b"9" * 5000 + b"}", "not usable JSON"),
    (b'{"schema_version": NaN}', "not usable JSON"),
    (b"", "not valid JSON"),
    (b"\x00\x01\x02", "not valid JSON"),
], ids=["truncated-gzip", "corrupt-gzip", "utf-16", "invalid-utf-8", "deep-json", "deep-properties",
        "huge-integer", "nan", "empty", "binary"])
def test_undecodable_files_are_refused(tmp_path, content, fragment):
    assert fragment in read(tmp_path, content)


def test_lone_surrogates_become_replacement_characters(tmp_path):
    data = mutated(("resources", 0, "name"), "logs\ud800")
    data["resources"][0]["tags"] = {"team\udfff": "core\ud800"}
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(data))  # json escapes them as \ud800
    resource = read_inventory(path)["resources"][0]
    assert resource["name"] == "logs\ufffd" and resource["tags"] == {"team\ufffd": "core\ufffd"}


def test_a_directory_is_not_an_inventory(tmp_path):
    with pytest.raises(UserError, match="Cannot read inventory"):
        read_inventory(tmp_path)
