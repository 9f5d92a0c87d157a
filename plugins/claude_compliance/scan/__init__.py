"""The scan step: turn an interval's raw user inputs into findings and scanned-input rows."""
