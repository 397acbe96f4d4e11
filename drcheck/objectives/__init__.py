"""Recovery objectives: per-workload RPO/RTO estimates, tier checks, DR strategy and what-if outages.

Modules: durations (spans), model (assumptions.yaml), settings (workloads and tiers config),
workloads (grouping), estimate (per-resource cases), assess (per-workload results),
scenarios (what-if), strategy, advice, view (report data), cli (commands).
"""
