"""Oversight: appraisal (issue 14). Add its models to __all__."""

from __future__ import annotations

__all__: list[str] = []
