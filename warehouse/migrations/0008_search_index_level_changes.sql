-- Migration 8: the full-text index becomes tables of our own, updated per document
-- (issue 16). DuckDB's fts extension can only rebuild its index over every segment, which
-- made each run's cost grow with the corpus; warehouse/search.py keeps the postings of the
-- documents a run loads and ranks with BM25 in SQL. The extension's index is dropped.
ALTER TABLE segment_search ADD COLUMN doc_id TEXT;
ALTER TABLE segment_search ADD COLUMN n_terms INTEGER;  -- NULL until the index is rebuilt

-- One row per indexed word (Han: character and bigram) of a segment, with its count.
CREATE TABLE search_terms (
    segment_id TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    term       TEXT NOT NULL,
    tf         INTEGER NOT NULL
);

DROP SCHEMA IF EXISTS fts_main_segment_search CASCADE;

-- The level_changes view (views.sql): the change report at every level, for documents
-- without clauses; clause_changes is now its clause-level rows.
