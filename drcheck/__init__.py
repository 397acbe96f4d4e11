"""drcheck: read-only disaster-recovery readiness checks for AWS accounts."""

__version__ = "0.1.0"
