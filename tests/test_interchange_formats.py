"""SARIF, OCSF, ASFF and JUnit outputs, each validated against its published schema (vendored in
tests/data/schemas; ASFF against botocore's securityhub model, with botocore's own validator)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import botocore.session
import jsonschema
import pytest
import xmlschema
from botocore.validate import ParamValidator

from drcheck.report.identity import finding_uid
from drcheck.report.outputs import FORMATS, parse_formats, render_outputs
from drcheck.report.view import ReportOptions
from tests.ocsf_schema import detection_finding_schema
from tests.test_report_view import A1, make_finding, sample_assessment

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
HOSTILE = "<x> & \"q\" $(rm -rf ~) \u202e ünï"
INTERCHANGE = ("sarif", "ocsf", "asff", "junit")


@pytest.fixture(scope="module")
def assessment(catalogue):
    """Every verdict, plus a suppressed failure, a whole-scope UNKNOWN with no ARN, a global
    resource and a hostile name."""
    by_id = {r.id: r for r in catalogue.rules}
    s3, rds = by_id["s3-bucket-versioning"], by_id["rds-instance-multi-az"]
    suppression = {"rule": s3.id, "reason": "Scratch data", "owner": "ops@example.com", "expires": "2099-01-01"}
    extra = [
        make_finding(s3, "scratch", "FAIL", suppression=suppression),
        make_finding(rds, "*", "UNKNOWN", region="eu-west-1", resource_arn=None,
                     reason="DescribeDBInstances failed: AccessDenied"),
        make_finding(s3, "global-bucket", "PASS", region="global"),
        make_finding(s3, HOSTILE, "FAIL", resource_id="hostile", tags={"Name": HOSTILE}),
    ]
    return sample_assessment(catalogue, extra)


@pytest.fixture(scope="module")
def files(assessment):
    return render_outputs(assessment, INTERCHANGE, ReportOptions())


def test_formats_are_asked_for_by_name_and_not_written_by_default():
    assert parse_formats("sarif,OCSF, asff,junit") == INTERCHANGE
    assert {FORMATS[f] for f in INTERCHANGE} == {"findings.sarif", "findings.ocsf.json", "findings.asff.json",
                                                 "findings.junit.xml"}
    from drcheck.report.outputs import DEFAULT_FORMATS

    assert not set(parse_formats(DEFAULT_FORMATS)) & set(INTERCHANGE)


def test_sarif_validates_against_the_sarif_2_1_0_schema(files, assessment):
    document = json.loads(files["findings.sarif"])
    schema = json.loads((SCHEMAS / "sarif-2.1.0" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    [run] = document["runs"]
    results = run["results"]
    judged = [f for f in assessment.findings if f["status"] in ("FAIL", "UNKNOWN")]
    assert len(results) == len(judged)
    assert {r["kind"] for r in results} == {"fail", "review"}
    assert all(r["level"] == "none" for r in results if r["kind"] == "review")  # SARIF §3.27.10
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1 and "Scratch data" in suppressed[0]["suppressions"][0]["justification"]
    scope = next(r for r in results if r["properties"]["resource_id"] == "*")
    assert scope["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("urn:drcheck:")
    fingerprints = [r["partialFingerprints"]["drcheckFindingKey/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    hostile = next(r for r in results if r["properties"]["resource_id"] == "hostile")
    assert " " not in hostile["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_ocsf_events_validate_against_the_detection_finding_class(files, assessment):
    events = json.loads(files["findings.ocsf.json"])
    schema = detection_finding_schema(("cloud",))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for event in events:
        errors = sorted(validator.iter_errors(event), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert len(events) == len(assessment.findings)
    assert {e["status_code"] for e in events} == {"PASS", "FAIL", "UNKNOWN", "NOT_APPLICABLE"}
    assert {e["severity"] for e in events if e["status_code"] == "PASS"} == {"Informational"}
    assert [e["status"] for e in events if e["unmapped"].get("suppression")] == ["Suppressed"]
    assert {e["finding_info"]["uid"] for e in events} == {finding_uid(f) for f in assessment.findings}


def test_the_ocsf_schema_refuses_what_ocsf_refuses(files):
    """The schema built from OCSF's files is strict: the checks above could fail."""
    validator = jsonschema.Draft202012Validator(detection_finding_schema(("cloud",)))
    event = json.loads(files["findings.ocsf.json"])[0]
    for broken in ({**event, "severity_id": 7}, {**event, "class_uid": 2003}, {**event, "finding_uid": "x"},
                   {k: v for k, v in event.items() if k != "cloud"},
                   {**event, "finding_info": {"title": "no uid"}}):
        assert list(validator.iter_errors(broken)), broken


def test_asff_findings_validate_against_botocores_securityhub_shape(files, assessment):
    findings = json.loads(files["findings.asff.json"])
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    for start in range(0, len(findings), 100):  # the API takes 100 findings per call
        report = ParamValidator().validate({"Findings": findings[start:start + 100]}, shape)
        assert not report.has_errors(), report.generate_report()
    assert len(findings) == sum(1 for f in assessment.findings if f["status"] != "NOT_APPLICABLE")
    assert {f["Compliance"]["Status"] for f in findings} == {"PASSED", "FAILED", "NOT_AVAILABLE"}
    by_id = {f["Id"]: f for f in findings}
    assert len(by_id) == len(findings)
    bucket = next(f for f in findings if f["Resources"][0]["Id"].endswith("x/bucket-ok"))
    assert bucket["Resources"][0]["Type"] == "AwsS3Bucket"  # Security Hub's own spelling, from botocore
    assert bucket["ProductArn"] == f"arn:aws:securityhub:us-east-1:{A1}:product/{A1}/default"
    assert all(len(f["Title"]) <= 256 and len(f["Description"]) <= 1024 for f in findings)
    assert [f["Workflow"]["Status"] for f in findings if f["Resources"][0]["Id"].endswith("x/scratch")] == [
        "SUPPRESSED"]
    global_bucket = next(f for f in findings if f["Resources"][0]["Id"].endswith("x/global-bucket"))
    assert "Region" not in global_bucket["Resources"][0]


def test_asff_validation_would_catch_a_bad_finding(files):
    finding = json.loads(files["findings.asff.json"])[0]
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    broken = {k: v for k, v in finding.items() if k != "GeneratorId"}
    assert ParamValidator().validate({"Findings": [broken]}, shape).has_errors()


def test_junit_validates_against_the_ant_junit_schema(files, assessment):
    schema = xmlschema.XMLSchema(SCHEMAS / "junit" / "JUnit.xsd")
    schema.validate(files["findings.junit.xml"].decode("utf-8"))
    root = ElementTree.fromstring(files["findings.junit.xml"])
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(assessment.findings)
    statuses = [f["status"] for f in assessment.findings]
    suppressed = sum(1 for f in assessment.findings if f.get("suppression"))
    assert len(root.findall("testsuite/testcase/failure")) == statuses.count("FAIL") - suppressed
    assert len(root.findall("testsuite/testcase/error")) == statuses.count("UNKNOWN")
    assert len(root.findall("testsuite/testcase/skipped")) == statuses.count("NOT_APPLICABLE") + suppressed
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    assert any(HOSTILE in (case.get("name") or "") for case in cases)  # escaped by the XML writer, intact


def test_demo_findings_in_every_format_validate(demo_assessment):
    """The real demo account's findings (real evidence values, every rule) in each format."""
    files = render_outputs(demo_assessment, INTERCHANGE, ReportOptions())
    jsonschema.validate(json.loads(files["findings.sarif"]),
                        json.loads((SCHEMAS / "sarif-2.1.0" / "sarif-schema-2.1.0.json").read_text()))
    validator = jsonschema.Draft202012Validator(detection_finding_schema(("cloud",)))
    for event in json.loads(files["findings.ocsf.json"]):
        assert not list(validator.iter_errors(event))
    shape = botocore.session.get_session().get_service_model("securityhub").operation_model(
        "BatchImportFindings").input_shape
    findings = json.loads(files["findings.asff.json"])
    for start in range(0, len(findings), 100):
        report = ParamValidator().validate({"Findings": findings[start:start + 100]}, shape)
        assert not report.has_errors(), report.generate_report()
    xmlschema.XMLSchema(SCHEMAS / "junit" / "JUnit.xsd").validate(files["findings.junit.xml"].decode("utf-8"))
