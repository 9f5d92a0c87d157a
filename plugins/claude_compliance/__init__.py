"""Claude Compliance: sync, scan and publish the Compliance API data of Claude organizations."""

__version__ = "0.1.0"
