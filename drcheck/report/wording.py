"""The plain-English words a report uses: resource nouns, category meanings, effort, cost, grades."""

from __future__ import annotations

import re

# Resource types read better as the words an engineer uses; unknown types fall back to their
# CloudFormation name split into words.
RESOURCE_NOUNS = {
    "AWS::AutoScaling::AutoScalingGroup": "Auto Scaling group",
    "AWS::Backup::BackupPlan": "backup plan",
    "AWS::Backup::BackupVault": "backup vault",
    "AWS::Backup::BackupSelection": "backup selection",
    "AWS::DynamoDB::Table": "DynamoDB table",
    "AWS::EC2::Volume": "EBS volume",
    "AWS::EC2::Instance": "EC2 instance",
    "AWS::EFS::FileSystem": "EFS file system",
    "AWS::ElastiCache::ReplicationGroup": "ElastiCache replication group",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
    "AWS::RDS::DBInstance": "RDS DB instance",
    "AWS::RDS::DBCluster": "RDS DB cluster",
    "AWS::RDS::GlobalCluster": "RDS global cluster",
    "AWS::S3::Bucket": "S3 bucket",
    "AWS::Backup::RegionSettings": "Region (AWS Backup settings)",
    "AWS::Backup::ProtectedResource": "AWS Backup protected-resource record",
    "AWS::DLM::LifecyclePolicy": "DLM lifecycle policy",
    "AWS::EC2::Subnet": "subnet",
    "AWS::EC2::RouteTable": "route table",
    "AWS::EC2::Snapshot": "EBS snapshot",
    "AWS::ECR::Registry": "Region (ECR registry settings)",
    "AWS::RDS::DBSnapshot": "RDS DB snapshot",
    "AWS::RDS::DBClusterSnapshot": "RDS DB cluster snapshot",
    "AWS::RDS::DBInstanceAutomatedBackup": "RDS automated backup",
}
# Plurals that are not noun + "s" (a noun already ending in "s" stays as it is: "settings").
IRREGULAR_PLURALS = {"Region (AWS Backup settings)": "Regions (AWS Backup settings)",
                     "Region (ECR registry settings)": "Regions (ECR registry settings)"}

SERVICE_TITLES = {
    "autoscaling": "Auto Scaling", "backup": "AWS Backup", "dynamodb": "DynamoDB", "ebs": "EBS", "ec2": "EC2",
    "efs": "EFS", "elasticache": "ElastiCache", "elbv2": "Load balancing", "rds": "RDS", "s3": "S3",
    "docdb": "DocumentDB", "neptune": "Neptune", "fsx": "FSx", "route53": "Route 53", "dlm": "DLM",
    "vpc": "VPC", "ecr": "ECR", "ecs": "ECS", "eks": "EKS", "lambda": "Lambda", "sqs": "SQS", "kms": "KMS",
    "cloudfront": "CloudFront", "secretsmanager": "Secrets Manager", "memorydb": "MemoryDB", "dax": "DAX",
    "opensearch": "OpenSearch", "redshift": "Redshift", "mq": "Amazon MQ", "dms": "DMS", "drs": "Elastic Disaster Recovery",
    "directconnect": "Direct Connect", "route53resolver": "Route 53 Resolver", "cloudformation": "CloudFormation",
    "elb": "Classic Load Balancing", "ssm-incidents": "Incident Manager",
}

CATEGORY_TITLES = {
    "backup": "Backup",
    "replication": "Replication",
    "high-availability": "High availability",
    "protection": "Protection",
    "recovery-readiness": "Recovery readiness",
}

# What each category protects against, in the reader's terms (see drcheck/model.py).
CATEGORY_MEANINGS = {
    "backup": "restoring data to an earlier point after corruption or deletion",
    "replication": "keeping a copy in another Region if a whole Region is lost",
    "high-availability": "staying up when one Availability Zone fails",
    "protection": "stopping accidental or malicious deletion of resources and their backups",
    "recovery-readiness": "knowing that recovery works: restore tests, failed-job alerts, health checks",
}

EFFORTS = {
    "setting": ("Setting", "A configuration change on the existing resource: minutes, usually no downtime."),
    "change": ("Change", "A planned change that adds capacity or alters the topology: hours to days, "
                         "may need a maintenance window."),
    "migration": ("Migration", "The resource must be re-created and its data moved: a small project with a cut-over."),
}
EFFORT_ORDER = {"setting": 0, "change": 1, "migration": 2}
DEFAULT_EFFORT = "change"  # a rule that does not say is assumed to need planning, not a flag flip

# Used only when a rule gives no cost note; the report marks these as typical, not specific.
TYPICAL_COSTS = {
    "backup": "Backup storage is billed per GB-month.",
    "replication": "Storage in the second Region plus inter-Region transfer per GB.",
    "high-availability": "Capacity in a second Availability Zone adds running cost.",
    "protection": "No direct cost.",
    "recovery-readiness": "Restore tests cost the temporary resources they create.",
}

GRADE_MEANINGS = {
    "A": "Strong. The resources checked are protected against the failures these rules cover. "
         "Keep it that way, and prove it with regular restore tests.",
    "B": "Good, with gaps. Most resources would come through an Availability Zone failure or a data "
         "loss, but some would not.",
    "C": "Fair. A real incident would probably hurt: several resources lack a backup, a standby or a "
         "copy in another Region.",
    "D": "Weak. An Availability Zone outage, a deleted table or a lost Region would likely cause "
         "lasting downtime or data loss for many resources.",
    "F": "Poor. An Availability Zone outage, a deleted table or a lost Region would likely cause "
         "lasting downtime or permanent data loss for important resources.",
}
NO_GRADE_MEANING = ("No grade: drcheck could not evaluate any check, so it cannot say how well this "
                    "account would recover. See “Not evaluated”.")

STATUS_WORDS = {"PASS": "pass", "FAIL": "fail", "UNKNOWN": "not evaluated", "NOT_APPLICABLE": "not applicable"}


def resource_noun(resource_type: str, count: int = 1) -> str:
    noun = RESOURCE_NOUNS.get(resource_type)
    if noun is None:
        parts = resource_type.split("::")
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", parts[-1]).lower()
        noun = f"{parts[1]} {words}" if len(parts) == 3 else resource_type
    return noun if count == 1 else plural(noun)


def plural(noun: str) -> str:
    """'subnet' -> 'subnets', 'Region settings' -> 'Region settings', 'policy' -> 'policies'."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, noun: str) -> str:
    """'1 workload', '0 workloads', '3 components'."""
    return f"{count:,} {noun if count == 1 else plural(noun)}"


def service_title(service: str) -> str:
    return SERVICE_TITLES.get(service, service)


def category_title(category: str) -> str:
    return CATEGORY_TITLES.get(category, category.replace("-", " ").capitalize())


def listing(names: list[str], total: int) -> str:
    """'a, b and c' or 'a, b, c and 4 more'."""
    shown = list(names)
    rest = total - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def human_date(stamp: str | None) -> str:
    """'2026-11-26T10:47:33+00:00' -> '26 November 2026, 10:47 UTC' (the input if it is not ISO)."""
    from datetime import UTC, datetime

    if not stamp:
        return "unknown"
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)
    if moment.tzinfo:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
