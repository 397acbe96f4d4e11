"""Volumes that are disposable by design: deleted with an instance an Auto Scaling group launched."""

from __future__ import annotations

from drcheck.linkers import Linker
from drcheck.linkers.index import ResourceIndex

AUTOSCALING_TAG = "aws:autoscaling:groupName"  # Auto Scaling puts it on every instance it launches


def _deleted_with_instance(volume_id: str, attachment: dict, instance: dict) -> bool:
    """DeleteOnTermination from the volume's attachment, else from the instance's block device
    mapping (the instance's own record of the same setting)."""
    if attachment.get("DeleteOnTermination") is not None:
        return bool(attachment["DeleteOnTermination"])
    for mapping in instance["properties"].get("BlockDeviceMappings") or []:
        if (mapping.get("Ebs") or {}).get("VolumeId") == volume_id:
            return bool(mapping["Ebs"].get("DeleteOnTermination"))
    return False


def link_autoscaling_instance(index: ResourceIndex) -> None:
    """derived.autoscaling_instance: {InstanceId, AutoScalingGroupName} when the volume is deleted
    with an instance an Auto Scaling group launched (DeleteOnTermination), else None.

    Such a volume is disposable by design: the group replaces the instance from its launch
    template, so its data must live elsewhere and the volume itself needs no backup.
    """
    instances = {(r["account_id"], r["region"], r["id"]): r for r in index.of_type("AWS::EC2::Instance")}
    for volume in index.of_type("AWS::EC2::Volume"):
        scope = (volume["account_id"], volume["region"])
        attachments = volume["properties"].get("Attachments") or []
        problem = index.problem(*scope, "AWS::EC2::Instance")
        if attachments and problem:
            index.set_unknown(volume, "autoscaling_instance", problem)
            continue
        found = None
        for attachment in attachments:
            instance = instances.get((*scope, attachment.get("InstanceId")))
            group = instance["tags"].get(AUTOSCALING_TAG) if instance else None
            if group and instance is not None and _deleted_with_instance(volume["id"], attachment, instance):
                found = {"InstanceId": attachment.get("InstanceId"), "AutoScalingGroupName": group}
        index.set_derived(volume, "autoscaling_instance", found)


LINKERS = (
    Linker(
        name="ebs-autoscaling-instance",
        provides={"AWS::EC2::Volume": ("autoscaling_instance",)},
        reads={"AWS::EC2::Instance": (), "AWS::EC2::Volume": ()},
        link=link_autoscaling_instance,
    ),
)
