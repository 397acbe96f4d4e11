"""The printed policy is enough, proven with IAM enforced: moto's server checks every call's policy.

moto's server, in its own process, runs unauthenticated while a small organization is seeded, then
enforces IAM from its next call on (`INITIAL_NO_AUTH_ACTION_COUNT`, reset to 0 through moto's API).
A user holding exactly what `drcheck permissions` prints (and, in the member account, a role holding
it) scans in every mode: one account, --all-regions, --accounts and --org. Each gets the same
findings as an administrator, with no account unreachable and no call denied.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import report_folder

HANG_GUARD = 900  # seconds; only a hang reaches it
MANAGEMENT = "123456789012"  # moto's account for unknown access keys
REGION = "us-east-1"
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _printed_policy(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "drcheck", "permissions", *args], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _seed_resources(session: boto3.Session, prefix: str) -> None:
    """A little of everything that is cheap in moto: bucket, table, volume and snapshot, queue, file system."""
    s3 = session.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=f"{prefix}-assets")
    s3.put_bucket_versioning(Bucket=f"{prefix}-assets", VersioningConfiguration={"Status": "Enabled"})
    session.client("dynamodb", region_name=REGION).create_table(
        TableName=f"{prefix}-orders", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    ec2 = session.client("ec2", region_name=REGION)
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    session.client("sqs", region_name=REGION).create_queue(QueueName=f"{prefix}-jobs")
    session.client("efs", region_name=REGION).create_file_system(CreationToken=f"{prefix}-share")


def _user(iam, name: str, policy: dict) -> dict[str, str]:
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="drcheck", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture(scope="module")
def organization(tmp_path_factory):
    """(endpoint, credentials by user name, member account id); IAM enforced once this yields."""
    folder = tmp_path_factory.mktemp("iam")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", "INITIAL_NO_AUTH_ACTION_COUNT": "inf"})
    log = (folder / "moto.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while not _accepts(port):
            assert server.poll() is None and time.monotonic() - started < HANG_GUARD, "moto's server did not start"
            time.sleep(0.1)
        member_policy = _printed_policy()
        org_policy = _printed_policy("--org", "--org-role", "DrcheckAudit")
        seeding = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)

        def client(session, service):
            return session.client(service, endpoint_url=endpoint, region_name=REGION)

        org = client(seeding, "organizations")
        org.create_organization(FeatureSet="ALL")
        member = org.create_account(AccountName="workloads", Email="workloads@example.com")["CreateAccountStatus"][
            "AccountId"]
        credentials = client(seeding, "sts").assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
        in_member = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                                  aws_secret_access_key=credentials["SecretAccessKey"],
                                  aws_session_token=credentials["SessionToken"], region_name=REGION)
        saved = os.environ.get("AWS_ENDPOINT_URL")
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        try:
            _seed_resources(seeding, "hq")
            _seed_resources(in_member, "shop")
        finally:
            os.environ.pop("AWS_ENDPOINT_URL") if saved is None else os.environ.__setitem__("AWS_ENDPOINT_URL", saved)
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}}]}
        member_iam = client(in_member, "iam")
        for role, policy in (("DrcheckAudit", member_policy), ("AdminAudit", EVERYTHING)):
            member_iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
            member_iam.put_role_policy(RoleName=role, PolicyName="drcheck", PolicyDocument=json.dumps(policy))
        iam = client(seeding, "iam")
        users = {"auditor": _user(iam, "auditor", member_policy), "org-auditor": _user(iam, "org-auditor", org_policy),
                 "admin": _user(iam, "admin", EVERYTHING), "nobody": _user(iam, "nobody", {
                     "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets",
                                                             "Resource": "*"}]})}
        request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.loads(answer.read())["status"] == "ok"
        # Enforcement is on: a user without the permission is refused (otherwise every test here would pass vacuously).
        nobody = boto3.Session(region_name=REGION, aws_access_key_id=users["nobody"]["AWS_ACCESS_KEY_ID"],
                               aws_secret_access_key=users["nobody"]["AWS_SECRET_ACCESS_KEY"])
        with pytest.raises(ClientError, match="AccessDenied"):
            client(nobody, "dynamodb").list_tables()
        yield endpoint, users, member, folder
    finally:
        server.terminate()
        server.wait(timeout=HANG_GUARD)
        log.close()


def _scan(organization, user: str, name: str, *args: str) -> tuple[dict, dict]:
    endpoint, users, _, folder = organization
    out = folder / name / user
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": REGION, "AWS_MAX_ATTEMPTS": "1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **users[user]})
    result = subprocess.run([sys.executable, "-m", "drcheck", "scan", *args, "--format", "json", "-o", str(out),
                             "-q", "--no-history"], capture_output=True, text=True, env=env, cwd=folder,
                            timeout=HANG_GUARD)
    assert result.returncode == 0, result.stderr[-3000:]
    folder_of_run = report_folder(out)
    return (json.loads((folder_of_run / "findings.json").read_text()),
            json.loads((folder_of_run / "inventory.json").read_text()))


def _verdicts(findings: dict) -> dict[tuple, str]:
    return {(f["rule_id"], f["account_id"], f["region"], f["resource_id"]): f["status"] for f in findings["findings"]}


def _denied(inventory: dict) -> list[str]:
    return sorted({f"{e.get('permission') or e.get('operation')} ({e.get('error_code')})" for e in inventory["errors"]
                   if "denied" in str(e.get("error_code", "")).lower()
                   or "unauthorized" in str(e.get("error_code", "")).lower()})


def _same_as_admin(organization, name: str, auditor: str, auditor_args: tuple, admin_args: tuple) -> dict:
    audited, audited_inventory = _scan(organization, auditor, name, *auditor_args)
    admin, admin_inventory = _scan(organization, "admin", name, *admin_args)
    assert not _denied(audited_inventory), f"denied with the printed policy: {_denied(audited_inventory)}"
    assert not audited["unreachable_accounts"], audited["unreachable_accounts"]
    assert audited["accounts"] == admin["accounts"]
    assert _verdicts(audited) == _verdicts(admin)
    assert audited["score"]["overall"] == admin["score"]["overall"]
    return audited


def test_one_account_with_the_printed_policy_gets_the_administrators_findings(organization):
    audited = _same_as_admin(organization, "single", "auditor", ("--region", REGION), ("--region", REGION))
    assert audited["accounts"] == [MANAGEMENT]
    assert {f["resource_type"] for f in audited["findings"] if f["status"] in ("PASS", "FAIL")} >= {
        "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::EC2::Volume"}


def test_all_regions_needs_describe_regions_and_the_policy_has_it(organization):
    audited = _same_as_admin(organization, "all-regions", "auditor", ("--all-regions", "--only", "dynamodb-table-pitr"),
                             ("--all-regions", "--only", "dynamodb-table-pitr"))
    assert len(audited["regions"]) > 2


def test_accounts_file_with_the_printed_policies(organization):
    _, _, member, folder = organization
    for role in ("DrcheckAudit", "AdminAudit"):
        (folder / f"{role}.yaml").write_text(f"- {{account_id: '{member}', role_arn: "
                                             f"'arn:aws:iam::{member}:role/{role}'}}\n")
    audited = _same_as_admin(organization, "accounts", "org-auditor",
                             ("--accounts", str(folder / "DrcheckAudit.yaml"), "--region", REGION),
                             ("--accounts", str(folder / "AdminAudit.yaml"), "--region", REGION))
    assert audited["accounts"] == [member]


def test_organization_with_the_printed_policies(organization):
    _, _, member, _ = organization
    audited = _same_as_admin(organization, "org", "org-auditor",
                             ("--org", "--org-role", "DrcheckAudit", "--region", REGION),
                             ("--org", "--org-role", "AdminAudit", "--region", REGION))
    assert sorted(audited["accounts"]) == sorted([MANAGEMENT, member])


def test_a_policy_without_describe_regions_fails_all_regions(organization, tmp_path):
    """The control: the same scan with one declared action removed from the policy is refused."""
    endpoint, users, _, _ = organization
    admin = boto3.Session(region_name=REGION, aws_access_key_id=users["admin"]["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=users["admin"]["AWS_SECRET_ACCESS_KEY"])
    iam = admin.client("iam", endpoint_url=endpoint)
    policy = _printed_policy()
    policy["Statement"][0]["Action"].remove("ec2:DescribeRegions")
    users["partial"] = _user(iam, "partial", policy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": REGION, "AWS_MAX_ATTEMPTS": "1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, **users["partial"]})
    result = subprocess.run([sys.executable, "-m", "drcheck", "scan", "--all-regions", "--only", "dynamodb-table-pitr",
                             "--format", "json", "-o", str(tmp_path / "out"), "-q", "--no-history"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=HANG_GUARD)
    assert result.returncode == 2 and "ec2:DescribeRegions" in result.stderr, result.stderr


def test_the_policies_name_every_mode_s_calls():
    member = _printed_policy()
    [statement] = member["Statement"]
    assert {"ec2:DescribeRegions", "sts:GetCallerIdentity"} <= set(statement["Action"])
    management = {s["Sid"]: s for s in _printed_policy("--org", "--org-role", "Audit")["Statement"]}
    assert set(management["DrcheckReadOnly"]["Action"]) == set(statement["Action"])
    assert set(management["DrcheckOrganization"]["Action"]) == {
        "organizations:ListAccounts", "organizations:ListRoots", "organizations:ListAccountsForParent",
        "organizations:ListOrganizationalUnitsForParent"}
    assert management["DrcheckAssumeMemberRole"] == {
        "Sid": "DrcheckAssumeMemberRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
        "Resource": "arn:*:iam::*:role/Audit"}

