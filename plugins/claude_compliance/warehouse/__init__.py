"""The warehouse: dbt builds `build.duckdb` from the lake; publish copies it for readers."""
