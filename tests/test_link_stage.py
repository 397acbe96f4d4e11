"""The link stage and the linker graph: declared reads, topological order, one link per assessment,
and a plan that collects every input of every provider a rule or the model reads, transitively."""

from __future__ import annotations

import json

import pytest

from drcheck.collect.plan import make_plan
from drcheck.link import link
from drcheck.linkers import Linker, LinkerError, load_linkers, order_linkers
from drcheck.linkers.index import ResourceIndex
from drcheck.objectives.model import load_model
from drcheck.pipeline import Catalogue, assess


def _noop(index: ResourceIndex) -> None:
    return None


def _linker(name, provides, reads=None, link_fn=_noop, own_reads=()):
    return Linker(name=name, provides=provides, reads=reads or {}, link=link_fn, own_reads=own_reads)


# -- the graph ---------------------------------------------------------------------------------------


def test_readers_run_after_their_providers_whatever_their_names():
    reader = _linker("a-reader", {"T": ("b",)}, {"T": ("derived.a",)})
    provider = _linker("z-provider", {"T": ("a",)})
    chained = _linker("0-last", {"T": ("c",)}, own_reads=("derived.b",))
    names = [ln.name for ln in order_linkers([chained, reader, provider])]
    assert names.index("z-provider") < names.index("a-reader") < names.index("0-last")


@pytest.mark.parametrize(("linkers", "message"), [
    ([_linker("a", {"T": ("x",)}, {"T": ("derived.y",)}), _linker("b", {"T": ("y",)}, {"T": ("derived.x",)})],
     "cycle: a -> b -> a"),
    ([_linker("a", {"T": ("x",)}, {"T": ("derived.x",)})], "cycle: a -> a"),
    ([_linker("a", {"T": ("x",)}, {"U": ("derived.nothing",)})],
     "linker 'a' reads derived.nothing of U, which no linker provides"),
    ([_linker("a", {"T": ("x",)}), _linker("b", {"T": ("x",)})], "derived.x of T is provided by both 'a' and 'b'"),
    ([_linker("a", {"T": ("x",)}), _linker("a", {"T": ("y",)})], "two linkers are named 'a'"),
])
def test_a_broken_graph_is_refused_with_one_clear_error(linkers, message):
    with pytest.raises(LinkerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        order_linkers(linkers)


def test_the_built_in_graph_loads_and_every_derived_read_has_its_provider_first():
    linkers = load_linkers()
    position = {}
    for number, linker in enumerate(linkers):
        for resource_type, names in linker.provides.items():
            for name in names:
                position[(resource_type, name)] = number
    reads = [(n, read) for n, ln in enumerate(linkers) for read in ln.derived_reads()]
    assert reads, "some linkers build on others"
    for number, read in reads:
        assert position[read] < number


def test_link_refuses_a_reader_placed_before_its_provider():
    provider = _linker("p", {"T": ("a",)})
    reader = _linker("r", {"T": ("b",)}, {"T": ("derived.a",)})
    with pytest.raises(LinkerError, match="would run before the provider of derived.a"):
        link({"resources": []}, [reader, provider])
    link({"resources": []}, [provider, reader])


# -- a linker reads and writes only what it declares --------------------------------------------------


def _inventory():
    return {"resources": [{"resource_type": "T", "id": "t", "account_id": "1", "region": "r", "properties": {},
                           "unavailable": {}}, {"resource_type": "U", "id": "u", "account_id": "1", "region": "r",
                                                "properties": {"Detail": 1}, "unavailable": {}}],
            "collections": []}


@pytest.mark.parametrize(("body", "message"), [
    (lambda index: index.of_type("U"), "reads U without declaring it"),
    (lambda index: index.problem("1", "r", "U"), "reads U without declaring it"),
    (lambda index: index.detail_problem(index.of_type("T")[0], "Detail"), "reads Detail of T without declaring"),
    (lambda index: index.derived(index.of_type("T")[0], "other"), "reads derived.other of T without declaring"),
    (lambda index: index.set_derived(index.of_type("T")[0], "undeclared", 1), "stamps derived.undeclared on T"),
])
def test_undeclared_reads_and_writes_are_refused(body, message):
    with pytest.raises(LinkerError, match=message):
        link(_inventory(), [_linker("l", {"T": ("x",)}, link_fn=body)])


def test_declared_reads_are_allowed():
    def body(index):
        (u,) = index.of_type("U")
        assert index.detail_problem(u, "Detail") is None
        for t in index.of_type("T"):
            index.set_derived(t, "x", 1)

    linked = link(_inventory(), [_linker("l", {"T": ("x",)}, {"U": ("Detail",)}, link_fn=body)])
    assert linked.of_type("T")[0]["derived"] == {"x": 1}


def test_linking_leaves_the_inventory_as_collected():
    inventory = _inventory()
    before = json.dumps(inventory, sort_keys=True)
    linked = link(inventory, load_linkers())
    assert json.dumps(inventory, sort_keys=True) == before
    assert linked.inventory is inventory and all("derived" in r for r in linked.resources)


# -- one link per assessment -----------------------------------------------------------------------


def test_assess_links_once_for_rules_and_objectives(catalogue):
    from drcheck.objectives.stage import load_objectives

    runs = []

    def count(index):
        runs.append(1)

    counting = _linker("counting", {"AWS::S3::Bucket": ("counted",)}, link_fn=count)
    linkers = order_linkers([*catalogue.linkers, counting])
    objectives = load_objectives(catalogue.collectors, linkers)
    with_model = Catalogue(catalogue.collectors, linkers, catalogue.rules, objectives)
    assess(with_model, {"resources": [], "collections": [], "accounts": []})
    assert runs == [1]


# -- the plan follows reads transitively ------------------------------------------------------------


def _closure(linkers, needs):
    """Every (resource type, root) the needs reach through providers' reads: what must be collected."""
    providers = {(t, n): ln for ln in linkers for t, names in ln.provides.items() for n in names}
    wanted, queue = set(), [(t, r) for t, roots in needs for r in ("", *roots)]
    while queue:
        item = queue.pop()
        if item in wanted:
            continue
        wanted.add(item)
        resource_type, root = item
        if root.startswith("derived."):
            linker = providers[(resource_type, root.removeprefix("derived."))]
            queue += [(t, r) for t, roots in linker.reads.items() for r in ("", *roots)]
            queue += [(resource_type, r) for r in linker.own_reads]
    return wanted


def _assert_plan_collects(catalogue, needs):
    for resource_type, roots in needs:
        plan = make_plan([(resource_type, roots)], catalogue.collectors, catalogue.linkers)
        for wanted_type, root in _closure(catalogue.linkers, [(resource_type, roots)]):
            planned = plan.get(wanted_type)
            assert planned is not None, f"{resource_type} {sorted(roots)}: {wanted_type} is not collected"
            collector = catalogue.collectors[wanted_type]
            if root and not root.startswith("derived.") and root in {d.key for d in collector.details}:
                assert root in planned.detail_keys, f"{resource_type}: {wanted_type}.{root} is not collected"


def test_every_rule_plan_collects_every_input_of_every_provider(catalogue):
    needs = [(r.resource_type, {root for root in r.field_roots() if root.startswith("derived.")})
             for r in catalogue.rules]
    assert any(roots for _, roots in needs)
    _assert_plan_collects(catalogue, needs)


def test_the_objectives_plan_collects_every_input_of_every_provider(catalogue):
    model = load_model(catalogue.collectors, catalogue.linkers, check_fields=False)
    needs = [(t, {r for r in roots if r.startswith("derived.")}) for t, roots in model.needs()]
    _assert_plan_collects(catalogue, needs)
    # The recovery model's backup intervals read backup coverage, which reads the Region's opt-ins.
    plan = make_plan(model.needs(), catalogue.collectors, catalogue.linkers)
    assert plan.get("AWS::Backup::RegionSettings") is not None


# -- independent linkers have no meaningful order -----------------------------------------------------


def _reverse_ties(linkers):
    """A valid order with ties broken the other way from order_linkers."""
    provider = {(t, n): ln.name for ln in linkers for t, names in ln.provides.items() for n in names}
    after = {ln.name: {provider[r] for r in ln.derived_reads()} for ln in linkers}
    by_name = {ln.name: ln for ln in linkers}
    ordered, placed = [], set()
    while len(ordered) < len(linkers):
        ready = sorted((n for n, s in after.items() if n not in placed and s <= placed), reverse=True)
        ordered += ready
        placed |= set(ready)
    return [by_name[n] for n in ordered]


def test_the_demo_links_the_same_whatever_the_order_of_independent_linkers(demo_report, catalogue):
    inventory = json.loads((demo_report / "inventory.json").read_text())
    forward = link(inventory, catalogue.linkers)
    backward = link(inventory, _reverse_ties(list(catalogue.linkers)))
    assert [ln.name for ln in _reverse_ties(list(catalogue.linkers))] != [ln.name for ln in catalogue.linkers]
    assert json.dumps(forward.resources, sort_keys=True, default=str) == \
        json.dumps(backward.resources, sort_keys=True, default=str)


def test_the_objectives_stage_reads_the_linked_inventory_and_writes_nothing_into_it(demo_report, catalogue):
    """Its workload facts (workload.peer_regions) live on its own view of a component: the linked
    resources that evaluation reads keep exactly the linkers' facts."""
    from drcheck.objectives.stage import load_objectives

    inventory = json.loads((demo_report / "inventory.json").read_text())
    linked = link(inventory, catalogue.linkers)
    before = json.dumps(linked.resources, sort_keys=True, default=str)
    objectives = load_objectives(catalogue.collectors, catalogue.linkers)
    document = objectives.document(linked)
    assert document["workloads"]
    assert json.dumps(linked.resources, sort_keys=True, default=str) == before
