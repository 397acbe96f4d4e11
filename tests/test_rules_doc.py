"""docs/rules.md is generated from the rule files and must not go stale."""

from drcheck.ruleset.docs import DOC_PATH, REGENERATE, render


def test_rules_doc_is_current(catalogue):
    expected = render(catalogue.rules)
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.is_file() else ""
    assert current == expected, f"docs/rules.md is stale: run `{REGENERATE}` and commit the result"


def test_rules_doc_lists_every_rule_with_its_references(catalogue):
    text = render(catalogue.rules)
    for rule in catalogue.rules:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert rule.severity in row and rule.category in row and rule.resource_type in row
        for reference in rule.references["well_architected"]:
            assert reference in row
    assert f"{len(catalogue.rules)} rules over" in text


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    import drcheck.ruleset.docs as docs

    monkeypatch.setattr(docs, "DOC_PATH", tmp_path / "rules.md")
    (tmp_path / "rules.md").write_text("old\n", encoding="utf-8")
    assert docs.main(["--check"]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
