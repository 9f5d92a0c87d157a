"""DLP engine: validators, detectors and the scanning engine (pure Python, no I/O frameworks)."""

from scanners.engine import Allowlist, Engine, Findings, load_engine, max_severity
from scanners.model import CATEGORY_SEVERITY, Category, Finding, Severity
from scanners.rules import RulesError

__all__ = [
    "CATEGORY_SEVERITY",
    "Allowlist",
    "Category",
    "Engine",
    "Finding",
    "Findings",
    "RulesError",
    "Severity",
    "load_engine",
    "max_severity",
]
