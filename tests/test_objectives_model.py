"""The assumption table loads, every figure has a source, bad tables fail loading; durations,
schedules, linkers, and the plan that collects what the model reads."""

from __future__ import annotations

import textwrap

import pytest

from drcheck.config import load_config
from drcheck.errors import UserError
from drcheck.linkers.schedules import ScheduleError, dlm_interval_hours, max_interval_hours
from drcheck.objectives.durations import DurationError, Span, format_duration, parse_duration, worst
from drcheck.objectives.model import ASSUMPTIONS_FILE, AssumptionsError, load_model
from drcheck.pipeline import load_catalogue


def test_every_case_names_documented_sources(catalogue):
    model = load_model(catalogue.collectors, catalogue.linkers)
    assert set(model.types) >= {"AWS::RDS::DBInstance", "AWS::DynamoDB::Table", "AWS::S3::Bucket"}
    for type_model in model.types.values():
        for cases in type_model.cases.values():
            assert cases[-1].condition is None
            for case in cases:
                assert case.sources
                assert all(model.sources[s].url.startswith("https://") for s in case.sources)


def _broken_table(tmp_path, old, new):
    text = ASSUMPTIONS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "assumptions.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("{field: MultiAZ, equals: true}", "{field: MultiAz, equals: true}", "unknown field 'MultiAz'"),
    ("sources: [rds-multi-az-standby, rds-multi-az-failover]", "sources: [nowhere]", "unknown source 'nowhere'"),
    ("rto: {low: 60s, high: 120s}", "rto: {low: 60s, high: 2 minutes}", "not a duration"),
    ("          outcome: lost\n          sources: [rds-pitr]\n",
     "          outcome: lost\n          when: {field: MultiAZ, equals: false}\n          sources: [rds-pitr]\n",
     "last case must have no 'when'"),
])
def test_a_bad_table_fails_loading(catalogue, tmp_path, old, new, message):
    path = _broken_table(tmp_path, old, new)
    with pytest.raises(AssumptionsError, match=message):
        load_model(catalogue.collectors, catalogue.linkers, path)


def test_plan_collects_what_the_model_reads():
    catalogue = load_catalogue(objectives=True)
    plan = catalogue.plan()
    # Read by the model only (no rule asks for them), through linkers:
    assert plan.get("AWS::RDS::GlobalCluster") is not None
    assert "Table" in plan.get("AWS::DynamoDB::Table").detail_keys
    assert "ContinuousBackupsDescription" in plan.get("AWS::DynamoDB::Table").detail_keys
    assert "dynamodb:DescribeContinuousBackups" in plan.permissions()
    without = load_catalogue(only=["s3-bucket-versioning"]).plan()
    assert without.get("AWS::RDS::GlobalCluster") is None


def test_durations():
    assert parse_duration("15m") == 900 and parse_duration("24h") == 86400 and parse_duration("1.5h") == 5400
    with pytest.raises(DurationError):
        parse_duration("15 minutes")
    assert format_duration(90) == "1.5 min" and format_duration(None) == "open-ended"
    assert Span(60, 120).text() == "1 min–2 min"
    assert Span(0, 300).meets(900) is True
    assert Span(3600, None).meets(900) is False
    assert Span(0, None).meets(900) is None
    assert Span(0, 1800).meets(900) is None
    assert worst([Span(0, 60), Span(30, None)]) == Span(30, None)


@pytest.mark.parametrize(("expression", "hours"), [
    ("cron(0 5 ? * * *)", 24), ("cron(0 6 ? * 1 *)", 168), ("cron(0 * ? * * *)", 1), ("cron(0/15 * ? * * *)", 0.25),
    ("cron(0 5,17 ? * MON-FRI *)", 60), ("cron(0 5 1 * ? *)", 744), ("cron(0 */12 ? * * *)", 12),
])
def test_cron_longest_gap(expression, hours):
    assert max_interval_hours(expression) == hours


@pytest.mark.parametrize("expression", ["cron(0 5 * *)", "every day", "cron(0 25 * * ? *)"])
def test_unreadable_schedules_are_errors_not_guesses(expression):
    with pytest.raises(ScheduleError):
        max_interval_hours(expression)


def test_dlm_interval():
    assert dlm_interval_hours({"Interval": 12, "IntervalUnit": "HOURS"}) == 12
    assert dlm_interval_hours({"CronExpression": "cron(0 3 ? * * *)"}) == 24
    with pytest.raises(ScheduleError):
        dlm_interval_hours({})


def _config(tmp_path, text):
    path = tmp_path / "drcheck.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("tiers:\n  gold: {rpo: 15 minutes, rto: 1h}\n", "tiers.gold.rpo: '15 minutes' is not a duration"),
    ("tiers:\n  gold: {rpo: 15m}\n", "'rto' is a required property"),
    ("workloads:\n  define:\n    pay: {tier: platinum}\n", "workloads.define.pay.tier: unknown tier 'platinum'"),
    ("workloads:\n  default_tier: gold\n", "unknown tier 'gold'"),
    ("workloads:\n  tag_key: app\n", "Additional properties are not allowed"),
])
def test_bad_objectives_config_is_one_clear_error(tmp_path, text, message):
    with pytest.raises(UserError) as error:
        load_config(_config(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_good_objectives_config(tmp_path):
    from drcheck.objectives.settings import settings_from_config

    config = load_config(_config(tmp_path, """
        workloads:
          tag_keys: [Team]
          define:
            pay: {tier: gold, resources: ["arn:aws:s3:::pay-*"]}
        tiers:
          gold: {rpo: 5m, rto: 30m}
    """))
    settings = settings_from_config(config)
    assert settings.tag_keys == ("Team",)
    assert settings.tiers["gold"].rpo == 300 and settings.tiers["critical"].rto == 3600
    assert settings.definitions[0].resources == ("arn:aws:s3:::pay-*",)


def test_workload_facts_are_the_models_alone():
    """A rule cannot read workload.peer_regions (the linked resources never carry it); the model's
    compute types can, and a misspelt fact is refused there too."""
    from drcheck.collectors import all_collectors
    from drcheck.ruleset.fields import FieldChecker

    asg = "AWS::AutoScaling::AutoScalingGroup"
    for_rules = FieldChecker(all_collectors(), {})
    assert "recovery-objectives" in dict(for_rules.problems(asg, ["workload.peer_regions"]))["workload.peer_regions"]
    for_model = FieldChecker(all_collectors(), {}, {asg: {"peer_regions"}})
    assert for_model.problems(asg, ["workload.peer_regions"]) == []
    assert for_model.problems(asg, ["workload.peer_region"])
