"""Corpus stage: bundled sources, parsers, segmentation into clauses and sentences."""
