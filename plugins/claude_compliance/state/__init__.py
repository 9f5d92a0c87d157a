"""The state DB: keys, sync state, dashboard users and sessions, triage, suppressions, audit."""
