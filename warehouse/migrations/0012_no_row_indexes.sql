-- Migration 12: the tables that grow with the corpus carry no primary key (issue 16).

-- A PRIMARY KEY is an ART index, and DuckDB 1.5 writes a table's whole ART index again at
-- every checkpoint (duckdb/duckdb#24848): a load checkpoints after each batch, so each
-- batch cost more as the corpus grew (0.1 s after the first UN document, 1.1-1.3 s after
-- the twentieth, 98% of it the indexes), and the indexes were 40% of the file. The ids
-- stay unique: the load refuses a batch with a repeated id, and every id begins with its
-- resolution, whose rows a batch replaces whole (warehouse/load.py). The small tables
-- (runs, documents, resolutions, fetches, schema_version) keep theirs.
-- Each table is recreated with the same columns, in the same order, and its rows copied.

CREATE TABLE segments_new (
    segment_id  TEXT NOT NULL,            -- "{doc_id}:{key}", unique
    doc_id      TEXT NOT NULL,
    resolution  TEXT NOT NULL,
    lang        TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    level       TEXT NOT NULL CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key         TEXT NOT NULL,
    label       TEXT,
    parent_id   TEXT,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    norm        TEXT NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    meta        JSON NOT NULL,
    run_id      TEXT NOT NULL,
    text_before TEXT,
    change      TEXT
);
INSERT INTO segments_new SELECT * FROM segments;
DROP TABLE segments;
ALTER TABLE segments_new RENAME TO segments;

CREATE TABLE alignment_groups_new (
    group_id              TEXT NOT NULL,  -- "{resolution}:{level letter}:{hash}", unique
    resolution            TEXT NOT NULL,
    level                 TEXT NOT NULL
        CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key                   TEXT NOT NULL,
    position              INTEGER NOT NULL,
    method                TEXT NOT NULL CHECK (method IN ('structure', 'bertalign', 'single')),
    confidence            DOUBLE,
    n_langs               INTEGER NOT NULL,
    parent_group_id       TEXT,
    run_id                TEXT NOT NULL,
    best_match_similarity DOUBLE
);
INSERT INTO alignment_groups_new SELECT * FROM alignment_groups;
DROP TABLE alignment_groups;
ALTER TABLE alignment_groups_new RENAME TO alignment_groups;

CREATE TABLE alignment_members_new (
    group_id   TEXT NOT NULL,
    segment_id TEXT NOT NULL,             -- (group_id, segment_id) unique
    lang       TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    ord        INTEGER NOT NULL
);
INSERT INTO alignment_members_new SELECT * FROM alignment_members;
DROP TABLE alignment_members;
ALTER TABLE alignment_members_new RENAME TO alignment_members;

CREATE TABLE segment_versions_new (
    segment_id     TEXT NOT NULL,         -- (segment_id, valid_from_run) unique
    doc_id         TEXT NOT NULL,
    resolution     TEXT NOT NULL,
    lang           TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    level          TEXT NOT NULL CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key            TEXT NOT NULL,
    label          TEXT,
    text           TEXT NOT NULL,
    text_sha256    TEXT NOT NULL,
    valid_from_run TEXT NOT NULL,
    valid_to_run   TEXT
);
INSERT INTO segment_versions_new SELECT * FROM segment_versions;
DROP TABLE segment_versions;  -- and its index segment_versions_from_run
ALTER TABLE segment_versions_new RENAME TO segment_versions;

CREATE TABLE pair_similarity_new (
    group_id   TEXT NOT NULL,             -- (group_id, lang_a, lang_b) unique
    lang_a     TEXT NOT NULL CHECK (lang_a IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    lang_b     TEXT NOT NULL CHECK (lang_b IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    similarity DOUBLE NOT NULL,
    CHECK (lang_a < lang_b)
);
INSERT INTO pair_similarity_new SELECT * FROM pair_similarity;
DROP TABLE pair_similarity;
ALTER TABLE pair_similarity_new RENAME TO pair_similarity;

CREATE TABLE segment_search_new (
    segment_id TEXT NOT NULL,             -- unique
    lang       TEXT NOT NULL,
    tokens     TEXT NOT NULL,
    body       TEXT NOT NULL,
    doc_id     TEXT,
    n_terms    INTEGER
);
INSERT INTO segment_search_new SELECT * FROM segment_search;
DROP TABLE segment_search;
ALTER TABLE segment_search_new RENAME TO segment_search;

CREATE TABLE qa_texts_new (
    resolution TEXT NOT NULL,
    group_id   TEXT NOT NULL,             -- (group_id, lang) unique
    lang       TEXT NOT NULL,
    form       TEXT NOT NULL,
    chars      INTEGER NOT NULL,
    length     INTEGER NOT NULL
);
INSERT INTO qa_texts_new SELECT * FROM qa_texts;
DROP TABLE qa_texts;
ALTER TABLE qa_texts_new RENAME TO qa_texts;

CREATE TABLE term_groups_new (
    resolution TEXT NOT NULL,
    group_id   TEXT NOT NULL,             -- unique
    position   INTEGER NOT NULL,
    src_lang   TEXT NOT NULL,
    tgt_langs  TEXT[] NOT NULL
);
INSERT INTO term_groups_new SELECT * FROM term_groups;
DROP TABLE term_groups;
ALTER TABLE term_groups_new RENAME TO term_groups;

CREATE TABLE qa_findings_new (
    run_id      TEXT NOT NULL,            -- (run_id, finding_no) unique
    finding_no  INTEGER NOT NULL,
    check_name  TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    group_id    TEXT NOT NULL,
    resolution  TEXT,
    level       TEXT,
    key         TEXT NOT NULL,
    lang        TEXT CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    segment_id  TEXT,
    evidence    TEXT NOT NULL,
    suggestion  TEXT NOT NULL,
    rule        TEXT DEFAULT '',
    found       TEXT DEFAULT '',
    expected    TEXT DEFAULT ''
);
INSERT INTO qa_findings_new SELECT * FROM qa_findings;
DROP TABLE qa_findings;
ALTER TABLE qa_findings_new RENAME TO qa_findings;

CREATE TABLE term_candidates_new (
    run_id   TEXT NOT NULL,               -- (run_id, src_lang, tgt_lang, src_term) unique
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    src_term TEXT NOT NULL,
    tgt_term TEXT NOT NULL,
    n_src    INTEGER NOT NULL,
    n_tgt    INTEGER NOT NULL,
    n_both   INTEGER NOT NULL,
    dice     DOUBLE NOT NULL,
    llr      DOUBLE NOT NULL,
    examples TEXT[] NOT NULL
);
INSERT INTO term_candidates_new SELECT * FROM term_candidates;
DROP TABLE term_candidates;
ALTER TABLE term_candidates_new RENAME TO term_candidates;
