"""The objectives stage as the pipeline sees it: what to collect, and the document to report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from drcheck.collectors.spec import Collector
from drcheck.link import LinkedInventory
from drcheck.linkers import Linker
from drcheck.objectives.model import Model, load_model
from drcheck.objectives.settings import Settings


@dataclass(frozen=True)
class Objectives:
    model: Model
    settings: Settings

    def needs(self) -> list[tuple[str, set[str]]]:
        """(resource type, field roots) the model reads: merged into the scan plan with the rules'."""
        return self.model.needs()

    def document(self, linked: LinkedInventory) -> dict[str, Any] | None:
        """The objectives document for a linked inventory, or None when it holds no workload component."""
        from drcheck.objectives.assess import prepare
        from drcheck.objectives.document import objectives_document

        prepared = prepare(linked, self.model, self.settings)
        if not any(c.counted for c in prepared.components):
            return None
        return objectives_document(prepared)


def load_objectives(collectors: Mapping[str, Collector], linkers: Iterable[Linker],
                    settings: Settings | None = None) -> Objectives:
    return Objectives(load_model(collectors, linkers, check_fields=False), settings or Settings())
