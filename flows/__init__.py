"""Orchestration: the Prefect flows and the command line, thin over the library."""
