"""KMS, Secrets Manager, ECR, CloudFormation, Amazon MQ, DMS (moto), and Elastic Disaster Recovery
and Incident Manager (Stubber: moto has neither)."""

from __future__ import annotations

import json

from drcheck.link import link
from drcheck.linkers.drs import duration_minutes
from drcheck.linkers.ecr import LINKERS as ECR_LINKERS
from tests.stubbing import ACCOUNT, Call, findings_for, inventory_of, resource, stub_collect
from tests.test_compute_network import run


def test_kms_rules(aws, catalogue):
    kms = aws.client("kms")
    kept = kms.create_key(Description="kept")["KeyMetadata"]["KeyId"]
    doomed = kms.create_key(Description="doomed")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    lonely = kms.create_key(Description="lonely", MultiRegion=True)["KeyMetadata"]["KeyId"]
    result = run(aws, catalogue, ["kms-key-not-pending-deletion", "kms-key-multi-region-replicated"])
    assert result["kms-key-not-pending-deletion"] == {"kept": "PASS", "doomed": "FAIL", "lonely": "PASS"}
    assert result["kms-key-multi-region-replicated"] == {"kept": "NOT_APPLICABLE", "doomed": "NOT_APPLICABLE",
                                                          "lonely": "FAIL"}
    assert kept and lonely


def test_kms_describe_denied_is_unknown(catalogue):
    calls = {"kms": [Call("list_keys", {"Keys": [{"KeyId": "k1", "KeyArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"}]},
                          {}),
                     Call("describe_key", error="AccessDeniedException", status=403)]}
    inventory = stub_collect(catalogue, [("AWS::KMS::Key", ["KeyMetadata"])], calls)
    (finding,) = findings_for(catalogue, inventory, "kms-key-not-pending-deletion")
    assert finding["status"] == "UNKNOWN" and finding["missing_permissions"] == ["kms:DescribeKey"]


def test_secrets_replication(aws, catalogue):
    secrets = aws.client("secretsmanager")
    secrets.create_secret(Name="replicated", SecretString="x", AddReplicaRegions=[{"Region": "us-west-2"}])
    secrets.create_secret(Name="local", SecretString="x")
    secrets.create_secret(Name="doomed", SecretString="x")
    secrets.delete_secret(SecretId="doomed", RecoveryWindowInDays=7)
    result = run(aws, catalogue, ["secretsmanager-secret-replicated", "secretsmanager-secret-not-scheduled-for-deletion"])
    assert result["secretsmanager-secret-replicated"] == {"replicated": "PASS", "local": "FAIL",
                                                          "doomed": "NOT_APPLICABLE"}
    assert result["secretsmanager-secret-not-scheduled-for-deletion"] == {"replicated": "PASS", "local": "PASS",
                                                                          "doomed": "FAIL"}


def test_ecr_replication(aws, catalogue):
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="prod/web")
    ecr.create_repository(repositoryName="dev/tool")
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "us-west-2", "registryId": "123456789012"}],
        "repositoryFilters": [{"filter": "prod/", "filterType": "PREFIX_MATCH"}]}]})
    result = run(aws, catalogue, ["ecr-repository-cross-region-replication"])
    assert result["ecr-repository-cross-region-replication"] == {"prod/web": "PASS", "dev/tool": "FAIL"}


def test_ecr_registry_unreadable_is_unknown():
    repository = resource("AWS::ECR::Repository", "web", {"repositoryName": "web"})
    inventory = inventory_of([repository], ["AWS::ECR::Repository", "AWS::ECR::Registry"],
                             failed={("us-east-1", "AWS::ECR::Registry"): "DescribeRegistry: AccessDenied"})
    (linked,) = link(inventory, ECR_LINKERS).resources
    assert "AccessDenied" in linked["unavailable"]["derived.replication_destinations"]["reason"]


def test_cloudformation_stacks(aws, catalogue):
    cfn = aws.client("cloudformation")
    template = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    cfn.create_stack(StackName="protected", TemplateBody=template, EnableTerminationProtection=True)
    cfn.create_stack(StackName="open", TemplateBody=template)
    result = run(aws, catalogue, ["cloudformation-stack-termination-protection", "cloudformation-stack-stable-status"])
    assert result["cloudformation-stack-termination-protection"] == {"protected": "PASS", "open": "FAIL"}
    assert result["cloudformation-stack-stable-status"] == {"protected": "PASS", "open": "PASS"}


def test_mq_and_dms(aws, catalogue):
    mq = aws.client("mq")
    for name, mode in (("single", "SINGLE_INSTANCE"), ("standby", "ACTIVE_STANDBY_MULTI_AZ")):
        mq.create_broker(BrokerName=name, DeploymentMode=mode, EngineType="ACTIVEMQ", EngineVersion="5.18",
                         HostInstanceType="mq.m5.large", PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
                         Users=[{"Username": "admin", "Password": "long-enough-password"}])
    dms = aws.client("dms")
    dms.create_replication_instance(ReplicationInstanceIdentifier="cdc-ha", ReplicationInstanceClass="dms.t3.medium",
                                    MultiAZ=True)
    dms.create_replication_instance(ReplicationInstanceIdentifier="cdc", ReplicationInstanceClass="dms.t3.medium",
                                    MultiAZ=False)
    result = run(aws, catalogue, ["mq-broker-multi-az", "dms-replication-instance-multi-az"])
    assert result["mq-broker-multi-az"] == {"single": "FAIL", "standby": "PASS"}
    assert result["dms-replication-instance-multi-az"] == {"cdc-ha": "PASS", "cdc": "FAIL"}


def test_dms_serverless_with_stubber(catalogue):
    config = {"ReplicationConfigIdentifier": "cdc", "ReplicationConfigArn": "arn:aws:dms:us-east-1:1:replication-config:x",
              "ComputeConfig": {"MultiAZ": False, "MaxCapacityUnits": 16}}
    inventory = stub_collect(catalogue, [("AWS::DMS::ReplicationConfig", [])],
                             {"dms": [Call("describe_replication_configs", {"ReplicationConfigs": [config]}, {})]})
    assert findings_for(catalogue, inventory, "dms-replication-config-multi-az")[0]["status"] == "FAIL"


SERVER = {
    "sourceServerID": "s-1234567890abcdef0", "arn": f"arn:aws:drs:us-east-1:{ACCOUNT}:source-server/s-1234567890abcdef0",
    "sourceProperties": {"identificationHints": {"hostname": "db01"}},
    "dataReplicationInfo": {"dataReplicationState": "CONTINUOUS", "lagDuration": "PT1H5M"},
    "lifeCycle": {"lastLaunch": {"initiated": {"apiCallDateTime": "2020-01-01T00:00:00+00:00", "type": "DRILL"},
                                 "status": "TERMINATED"}},
}


def test_drs_source_servers(catalogue):
    inventory = stub_collect(catalogue, [("AWS::DRS::SourceServer", [])],
                             {"drs": [Call("describe_source_servers", {"items": [SERVER]}, {})]})
    statuses = {r: findings_for(catalogue, inventory, r)[0]["status"] for r in (
        "drs-source-server-replicating", "drs-source-server-replication-lag", "drs-source-server-recovery-drill")}
    assert statuses == {"drs-source-server-replicating": "PASS", "drs-source-server-replication-lag": "FAIL",
                        "drs-source-server-recovery-drill": "FAIL"}
    assert findings_for(catalogue, inventory, "drs-source-server-replicating")[0]["resource_name"] == "db01"


def test_drs_not_set_up_is_empty_and_denied_is_unknown(catalogue):
    inventory = stub_collect(catalogue, [("AWS::DRS::SourceServer", [])],
                             {"drs": [Call("describe_source_servers", error="UninitializedAccountException")]})
    assert findings_for(catalogue, inventory, "drs-source-server-replicating") == []
    inventory = stub_collect(catalogue, [("AWS::DRS::SourceServer", [])],
                             {"drs": [Call("describe_source_servers", error="AccessDeniedException", status=403)]})
    (finding,) = findings_for(catalogue, inventory, "drs-source-server-replicating")
    assert finding["status"] == "UNKNOWN" and finding["missing_permissions"] == ["drs:DescribeSourceServers"]


def test_iso_durations():
    assert duration_minutes("PT1H2M30S") == 62.5
    assert duration_minutes("P1DT1H") == 1500
    assert duration_minutes("PT0S") == 0
    assert duration_minutes("PT") is None and duration_minutes("5 minutes") is None


def test_incident_manager_replication_set(catalogue):
    arn = f"arn:aws:ssm-incidents::{ACCOUNT}:replication-set/abc"
    body = {"arn": arn, "createdBy": "me", "createdTime": "2026-01-01T00:00:00Z", "deletionProtected": False,
            "lastModifiedBy": "me", "lastModifiedTime": "2026-01-01T00:00:00Z", "status": "ACTIVE",
            "regionMap": {"us-east-1": {"status": "ACTIVE", "statusUpdateDateTime": "2026-01-01T00:00:00Z"}}}
    calls = {"ssm-incidents": [Call("list_replication_sets", {"replicationSetArns": [arn]}, {}),
                               Call("get_replication_set", {"replicationSet": body}, {"arn": arn})]}
    inventory = stub_collect(catalogue, [("AWS::SSMIncidents::ReplicationSet", ["replicationSet"])], calls)
    (finding,) = findings_for(catalogue, inventory, "ssm-incidents-replication-set-multi-region")
    assert finding["status"] == "FAIL" and finding["region"] == "global"
    assert findings_for(catalogue, inventory, "ssm-incidents-replication-set-deletion-protection")[0]["status"] == "FAIL"


def test_singleton_is_one_resource_per_region(aws, catalogue):
    from tests.conftest import collect_types

    inventory = collect_types(aws, catalogue, [("AWS::ECR::Registry", [])], regions=("us-east-1", "us-west-2"))
    registries = [r for r in inventory["resources"] if r["resource_type"] == "AWS::ECR::Registry"]
    assert sorted((r["id"], r["region"]) for r in registries) == [("us-east-1", "us-east-1"),
                                                                 ("us-west-2", "us-west-2")]
    assert all("registryId" in r["properties"] and "ResponseMetadata" not in r["properties"] for r in registries)
