"""Sync: extract one key × data interval from the Compliance API into the raw lake."""
