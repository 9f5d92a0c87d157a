"""The compliance dashboard: FastAPI with server-rendered templates, and the keys JSON API.

`claude_compliance.web.app.create_app()` serves it standalone (`claude-compliance serve`)
and inside the Airflow UI (`plugins/compliance_ui.py`); either way it enforces its own
authentication. This package's `__init__` imports nothing, so the CLI stays fast.
"""
