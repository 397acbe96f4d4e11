"""Errors a user can cause: one clear line on stderr, exit 2, never a traceback."""

import json
import subprocess
import sys
import textwrap

import pytest


def drcheck(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True, text=True, env=env,
                          cwd=cwd)


def assert_user_error(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    message = " ".join(lines)
    for fragment in fragments:
        assert fragment in message, message


@pytest.fixture
def clean_env(no_aws_env):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": str(no_aws_env / "config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(no_aws_env / "credentials"), "AWS_EC2_METADATA_DISABLED": "true"})
    return env


def test_no_credentials(clean_env, tmp_path):
    result = drcheck("scan", "--region", "us-east-1", "-o", str(tmp_path / "out"), env=clean_env, cwd=tmp_path)
    assert_user_error(result, "No AWS credentials found")
    assert not (tmp_path / "out").exists()


def test_unknown_profile(clean_env, tmp_path):
    result = drcheck("scan", "--profile", "nope", "--region", "us-east-1", env=clean_env, cwd=tmp_path)
    assert_user_error(result, "AWS profile not found", "nope")


def test_bad_region(clean_env, tmp_path):
    env = {**clean_env, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
    result = drcheck("scan", "--region", "us-east-7", env=env, cwd=tmp_path)
    assert_user_error(result, "Unknown AWS Region", "us-east-7")


@pytest.mark.parametrize("command", ["scan", "doctor"])
def test_logged_out_sso_profile_says_to_log_in(clean_env, no_aws_env, tmp_path, command):
    """No cached SSO token (logged out): botocore raises before any network call; the line names the command."""
    (no_aws_env / "config").write_text(textwrap.dedent("""\
        [profile client-sso]
        sso_start_url = https://example.awsapps.com/start
        sso_region = us-east-1
        sso_account_id = 111122223333
        sso_role_name = Audit
        region = us-east-1
        """))
    env = {**clean_env, "HOME": str(tmp_path)}  # no ~/.aws/sso/cache token
    result = drcheck(command, "--profile", "client-sso", "--region", "us-east-1", "-o" if command == "scan" else
                     "--only", str(tmp_path / "out") if command == "scan" else "s3", env=env, cwd=tmp_path)
    assert_user_error(result, "run aws sso login --profile client-sso")


def test_no_region(clean_env, tmp_path):
    env = {**clean_env, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
    assert_user_error(drcheck("scan", env=env, cwd=tmp_path), "No AWS Region")


def test_bad_format(clean_env, tmp_path):
    assert_user_error(drcheck("demo", "--format", "xml", "-o", str(tmp_path / "o"), cwd=tmp_path), "--format", "xml")


@pytest.mark.parametrize("content,fragment", [
    (None, "Cannot read inventory"),
    ("{not json", "not valid JSON"),
    ("[]", "expected a JSON object"),
    ('{"schema_version": 99}', "schema_version 99"),
    ('{"schema_version": 1, "generated_at": "x", "accounts": [], "regions": [], "collections": [],'
     ' "resources": [{"id": "x"}], "errors": []}', "malformed"),
])
def test_unreadable_inventory(tmp_path, content, fragment):
    path = tmp_path / "inventory.json"
    if content is not None:
        path.write_text(content)
    assert_user_error(drcheck("assess", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path), fragment)


def test_invalid_rule_file_names_file_and_line(tmp_path):
    rules = tmp_path / "custom" / "rds"
    rules.mkdir(parents=True)
    (rules / "rds-custom-check.yaml").write_text(textwrap.dedent("""\
        id: rds-custom-check
        title: A custom check
        service: rds
        resource_type: AWS::RDS::DBInstance
        category: backup
        severity: low
        description: Checks something about the instance that matters for recovery.
        condition:
          field: MultiAz
          equals: true
        messages: {pass: ok, fail: not ok}
        remediation: {summary: Fix the thing properly, cli: aws rds x, terraform: x}
        references: {well_architected: [REL09-BP01]}
        examples:
          - {name: a, status: PASS, resource: {properties: {MultiAZ: true}}}
          - {name: b, status: FAIL, resource: {properties: {MultiAZ: false}}}
        """))
    result = drcheck("rules", "check", str(tmp_path / "custom"), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr  # `rules check` reports problems: exit 1
    assert "rds-custom-check.yaml:9: unknown field 'MultiAz'" in result.stderr and "did you mean 'MultiAZ'" in result.stderr
    result = drcheck("scan", "--rules-dir", str(tmp_path / "custom"), "--region", "us-east-1", cwd=tmp_path)
    assert_user_error(result, "rds-custom-check.yaml:9")


def test_unknown_only_selector(tmp_path):
    assert_user_error(drcheck("permissions", "--only", "no-such-rule", cwd=tmp_path), "no-such-rule")


def test_assess_round_trip_gives_identical_findings(tmp_path):
    first = tmp_path / "first"
    assert drcheck("demo", "-o", str(first), "--format", "json", "-q", cwd=tmp_path).returncode == 0
    second = tmp_path / "second"
    result = drcheck("assess", str(first / "inventory.json"), "-o", str(second), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    one = json.loads((first / "findings.json").read_text())
    two = json.loads((second / "findings.json").read_text())
    assert one["findings"] == two["findings"] and one["score"] == two["score"]


def test_rules_list_and_permissions(tmp_path):
    listing = json.loads(drcheck("rules", "list", "--json", cwd=tmp_path).stdout)
    assert {"rds-instance-multi-az", "backup-vault-lock"} <= {r["id"] for r in listing}
    policy = json.loads(drcheck("permissions", "--only", "s3", cwd=tmp_path).stdout)
    actions = policy["Statement"][0]["Action"]
    assert "s3:ListAllMyBuckets" in actions and "rds:DescribeDBInstances" not in actions
