"""Remediation at the source: removal requests, approvals, deletion and proof."""
