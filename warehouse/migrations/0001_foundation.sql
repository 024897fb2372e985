-- Migration 1: the foundation tables. Applied once, in one transaction, to a new database;
-- later changes are new files in this folder, never edits of an applied one. The views are
-- in warehouse/views.sql and are recreated after every migration.
--
-- No foreign keys: DuckDB cannot delete rows that a foreign key references, which the
-- per-resolution delete-then-insert of a load needs. warehouse/load.py checks references
-- inside the load transaction instead, before it commits.

CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);

-- One row per pipeline run; the signature says how its rows were made.
CREATE TABLE IF NOT EXISTS runs (
    run_id          TEXT PRIMARY KEY,
    started_at      TIMESTAMP NOT NULL,   -- UTC
    finished_at     TIMESTAMP,            -- UTC; NULL while the run is unfinished
    status          TEXT NOT NULL,
    signature       TEXT NOT NULL,        -- e.g. enc:usem3|ma:5|pivot:en|v:0.1.0
    encoder         TEXT,
    encoder_version TEXT,
    languages       TEXT[] NOT NULL,
    summary         JSON NOT NULL,
    missing         JSON NOT NULL         -- {"ru": "reason the language failed", ...}
);

-- One language version of one resolution, with the provenance of its source file.
CREATE TABLE IF NOT EXISTS documents (
    doc_id      TEXT PRIMARY KEY,         -- "{resolution}:{lang}"
    resolution  TEXT NOT NULL,
    lang        TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    format      TEXT NOT NULL,
    source_path TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    version     TEXT NOT NULL,
    provenance  TEXT NOT NULL,
    licence     TEXT NOT NULL,
    title       TEXT NOT NULL,
    n_segments  INTEGER NOT NULL,         -- all levels
    run_id      TEXT NOT NULL
);

-- Nodes of the segment hierarchy; text is verbatim, norm is only for matching.
CREATE TABLE IF NOT EXISTS segments (
    segment_id TEXT PRIMARY KEY,
    doc_id     TEXT NOT NULL,
    resolution TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    level      TEXT NOT NULL CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key        TEXT NOT NULL,
    label      TEXT,
    parent_id  TEXT,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    norm       TEXT NOT NULL,
    start_char INTEGER NOT NULL,          -- offsets in the document's extracted text
    end_char   INTEGER NOT NULL,
    meta       JSON NOT NULL,
    run_id     TEXT NOT NULL
);

-- Segments of several languages that say the same thing.
CREATE TABLE IF NOT EXISTS alignment_groups (
    group_id        TEXT PRIMARY KEY,
    resolution      TEXT NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key             TEXT NOT NULL,
    position        INTEGER NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('structure', 'bertalign', 'single')),
    confidence      DOUBLE,               -- NULL when only one language is present
    n_langs         INTEGER NOT NULL,
    parent_group_id TEXT,
    run_id          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS alignment_members (
    group_id   TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    ord        INTEGER NOT NULL,          -- order of the segment among its language's members
    PRIMARY KEY (group_id, segment_id)
);
