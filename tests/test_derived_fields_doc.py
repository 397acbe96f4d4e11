"""docs/derived-fields.md is generated from the linker declarations and must not go stale."""

from drcheck.linkers.docs import DOC_PATH, REGENERATE, render


def test_derived_fields_doc_is_current(catalogue):
    expected = render(catalogue.linkers)
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.is_file() else ""
    assert current == expected, f"docs/derived-fields.md is stale: run `{REGENERATE}` and commit the result"


def test_every_field_a_rule_reads_is_listed(catalogue):
    text = render(catalogue.linkers)
    for rule in catalogue.rules:
        for root in rule.field_roots():
            if root.startswith("derived."):
                assert f"| `{root}` |" in text, (rule.id, root)


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    import drcheck.linkers.docs as docs

    monkeypatch.setattr(docs, "DOC_PATH", tmp_path / "derived-fields.md")
    (tmp_path / "derived-fields.md").write_text("old\n", encoding="utf-8")
    assert docs.main(["--check"]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
