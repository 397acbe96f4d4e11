"""The collector catalogue: every module here declares COLLECTORS, a tuple of Collector."""

import importlib
import pkgutil

from drcheck.collectors.spec import Collector, Detail

__all__ = ["Collector", "Detail", "all_collectors"]


def all_collectors() -> dict[str, Collector]:
    """Every declared collector, by resource type."""
    by_type: dict[str, Collector] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "spec":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for collector in getattr(module, "COLLECTORS", ()):
            if collector.resource_type in by_type:
                raise ValueError(f"two collectors declare {collector.resource_type}")
            by_type[collector.resource_type] = collector
    return by_type
