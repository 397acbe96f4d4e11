"""The corpus of real response shapes (tests/data/responses) and collection over it.

Every operation a collector calls has an `example` answer (written from the AWS API reference) and
may have an `old` one (an answer from before fields were added). `minimal_answer` builds the
smallest answer botocore's shape allows: required members only, plus what identifies the resource.
`collect_answering` runs the real collection with every call answered through botocore's
`before-call` hook (no network, no emulator), timestamps parsed as botocore parses them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import yaml
from botocore.exceptions import ParamValidationError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_timestamp
from botocore.validate import validate_parameters

from drcheck.collect.plan import make_plan
from drcheck.collect.runner import AccountTarget, collect
from drcheck.collect.session import client_config, make_client_factory
from drcheck.collectors.spec import Collector, Detail
from tests.aws_hooks import answer

CORPUS_DIR = Path(__file__).parent / "data" / "responses"
ACCOUNT = "123456789012"
REGION = "us-east-1"
_CORE = botocore.session.get_session()


def load_corpus() -> dict[tuple[str, str], dict]:
    """(service, operation) -> {"source", "example", "old"?} for every file of the corpus."""
    corpus = {}
    for path in sorted(CORPUS_DIR.glob("*.yaml")):
        for operation, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            corpus[(path.stem, operation)] = entry
    return corpus


def operations(collectors: Mapping[str, Collector]) -> set[tuple[str, str]]:
    """Every (boto3 service, operation) a collector calls."""
    called = set()
    for collector in collectors.values():
        called.add((collector.service, collector.list_operation))
        called.update((collector.service, d.operation) for d in collector.details)
    return called


def output_shape(service: str, operation: str) -> StructureShape:
    return _CORE.get_service_model(service).operation_model(operation).output_shape


def check_shape(service: str, operation: str, response: Mapping[str, Any]) -> list[str]:
    """What does not fit the operation's output shape (botocore's validator, as the Stubber uses it).

    Length and range limits are left out: they are the API's input constraints, and real answers
    break them (DynamoDB's NumberOfDecreasesToday is 0 on most tables, against a minimum of 1).
    """
    try:
        validate_parameters(as_botocore_parses(service, operation, response), output_shape(service, operation))
    except ParamValidationError as exc:
        lines = str(exc).splitlines()[1:]
        return [line for line in lines if not line.startswith(("Invalid length", "Invalid range"))
                and "valid min value" not in line and "valid max value" not in line]
    return []


# -- what botocore would hand the collector ------------------------------------------------------------

def as_botocore_parses(service: str, operation: str, response: Mapping[str, Any]) -> dict:
    """The answer with timestamps as datetimes, as botocore's parsers return them."""
    return _convert(copy.deepcopy(dict(response)), output_shape(service, operation))


def _convert(value: Any, shape: Shape | None) -> Any:
    if shape is None or value is None:
        return value
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {k: _convert(v, shape.members.get(k)) for k, v in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_convert(v, shape.member) for v in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {k: _convert(v, shape.value) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, str):
        return parse_timestamp(value)
    if shape.type_name == "blob" and isinstance(value, str):
        return value.encode()
    return value


# -- minimal answers -------------------------------------------------------------------------------------

def _scalar(shape: Shape, name: str, service: str) -> Any:
    if shape.type_name == "string":
        if getattr(shape, "enum", None):
            return shape.enum[0]
        if re.search(r"(arn|ARN|Arn)$", name):
            text = f"arn:aws:{service}:{REGION}:{ACCOUNT}:{name.lower()}/minimal"
        else:
            text = "minimal"
        return text.ljust(int(shape.metadata.get("min", 0)), "0")
    if shape.type_name in ("integer", "long"):
        return 1
    if shape.type_name in ("float", "double"):
        return 1.0
    if shape.type_name == "boolean":
        return False
    if shape.type_name == "timestamp":
        return datetime(2026, 1, 1, tzinfo=UTC)
    if shape.type_name == "blob":
        return b""
    return None


def _minimal(shape: Shape, name: str, service: str, keep: set[str]) -> Any:
    """Required members only (and the `keep` members of this structure), recursively."""
    if isinstance(shape, StructureShape):
        return {member: _minimal(member_shape, member, service, set())
                for member, member_shape in shape.members.items()
                if member in shape.required_members or member in keep}
    if isinstance(shape, ListShape):  # as short as the shape allows
        return [_minimal(shape.member, name, service, set()) for _ in range(int(shape.metadata.get("min", 0)))]
    if isinstance(shape, MapShape):
        return {}
    return _scalar(shape, name, service)


def _identity_fields(collector: Collector) -> set[str]:
    """Top-level members a list item needs so that drcheck can name the resource."""
    fields = set()
    for expression in (collector.id_field, collector.arn_field):
        if expression and re.fullmatch(r"[A-Za-z_]\w*", expression):
            fields.add(expression)
    return fields


def _with_one_item(shape: Shape, tokens: list[str], service: str, item_keep: set[str]) -> Any:
    """A minimal answer whose `tokens` path (a result key) reaches exactly one minimal item."""
    if not tokens:
        return _minimal(shape, "", service, item_keep)
    token, rest = tokens[0], tokens[1:]
    if token == "[]":
        assert isinstance(shape, ListShape), shape
        return [_with_one_item(shape.member, rest, service, item_keep)]
    assert isinstance(shape, StructureShape), (shape, token)
    body = _minimal(shape, "", service, set())
    body[token] = _with_one_item(shape.members[token], rest, service, item_keep)
    return body


def minimal_answer(collector: Collector, detail: Detail | None = None) -> dict:
    """The smallest answer AWS's shape allows for a list call (one resource) or a detail call."""
    service = collector.service
    if detail is not None:
        # The member the collector keeps is there (its absence is the "HTTP 200 without the
        # expected member" case, judged where the call is made); inside it, only what is required.
        kept = re.match(r"[A-Za-z_]\w*", detail.result or "")
        return _minimal(output_shape(service, detail.operation), "", service, {kept.group(0)} if kept else set())
    shape = output_shape(service, collector.list_operation)
    if collector.singleton or collector.result_key == "@":
        return _minimal(shape, "", service, set())
    tokens = re.findall(r"[A-Za-z_]\w*|\[\]", collector.result_key)
    if tokens and tokens[-1] != "[]":
        tokens.append("[]")  # the key names the list of items
    answer_ = _with_one_item(shape, tokens, service, _identity_fields(collector))
    if collector.item_name:  # a list of bare names
        _set_leaf_list(answer_, tokens, "minimal")
    return answer_


def _set_leaf_list(body: Any, tokens: list[str], value: Any) -> None:
    node = body
    for token in tokens[:-1]:
        node = node[0] if token == "[]" else node[token]
    node[:] = [value]


def minimal_answers(collectors: Mapping[str, Collector]) -> dict[tuple[str, str], dict]:
    answers: dict[tuple[str, str], dict] = {}
    for collector in collectors.values():
        answers.setdefault((collector.service, collector.list_operation), minimal_answer(collector))
        for detail in collector.details:
            answers.setdefault((collector.service, detail.operation), minimal_answer(collector, detail))
    return answers


# -- collection over canned answers -----------------------------------------------------------------------

def collect_answering(collectors: Mapping[str, Collector], linkers, answers: Mapping[tuple[str, str], dict],
                      *, parsed: bool = False) -> dict:
    """Collect every collector type with every detail, every call answered from `answers`.

    `parsed` answers are already what botocore hands over (datetimes); others are corpus text.
    """
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    for (service, operation), response in answers.items():
        body = response if parsed else as_botocore_parses(service, operation, response)
        answer(session, service, operation, lambda params, body=body: copy.deepcopy(body))
    needs = [(t, {d.key for d in c.details}) for t, c in collectors.items()]
    plan = make_plan(needs, collectors, linkers)
    target = AccountTarget(session=session, account_id=ACCOUNT, partition="aws", regions=[REGION])
    inventory = collect(plan, [target], client_factory=make_client_factory(client_config(1, 1)), max_workers=1)
    inventory["generated_at"] = "2026-01-15T12:00:00+00:00"  # the corpus's answers are dated around it
    return inventory
