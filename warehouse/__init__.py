"""Warehouse stage: the DuckDB schema, loading runs, read-only queries."""
