"""Compliance Access Keys: encryption at rest, the key store, and live validation."""
