"""The Parquet lake: schemas, the interval → partition rule, and the atomic writer."""
