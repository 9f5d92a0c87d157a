"""DLP engine: validators, detectors and the scanning engine (pure Python, no I/O frameworks)."""
