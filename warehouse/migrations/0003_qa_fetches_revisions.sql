-- Migration 3: QA findings and term candidates, the fetch log, the revision layers.

-- The text of a segment before the tracked changes of its source (Word input only) and
-- what the changes did to it; NULL where the source carries no tracked changes.
ALTER TABLE segments ADD COLUMN text_before TEXT;
ALTER TABLE segments ADD COLUMN change TEXT;

-- One row per finding of a QA run; run_id is the pipeline run the QA read.
CREATE TABLE qa_findings (
    run_id     TEXT NOT NULL,
    finding_no INTEGER NOT NULL,          -- order within the run: severity, check, document order
    check_name TEXT NOT NULL,             -- a name of warehouse.qa.registry.CHECKS
    severity   TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    group_id   TEXT NOT NULL,             -- alignment_groups.group_id
    resolution TEXT,                      -- from alignment_groups at write time
    level      TEXT,
    key        TEXT NOT NULL,
    lang       TEXT CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),  -- NULL: whole group
    segment_id TEXT,                      -- segments.segment_id; NULL when the text is missing
    evidence   TEXT NOT NULL,
    suggestion TEXT NOT NULL,
    PRIMARY KEY (run_id, finding_no)
);

-- Bilingual term pairs mined from the aligned groups, for terminologists to review.
CREATE TABLE term_candidates (
    run_id   TEXT NOT NULL,
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    src_term TEXT NOT NULL,
    tgt_term TEXT NOT NULL,
    n_src    INTEGER NOT NULL,            -- groups holding the source term
    n_tgt    INTEGER NOT NULL,
    n_both   INTEGER NOT NULL,
    dice     DOUBLE NOT NULL,
    llr      DOUBLE NOT NULL,             -- Dunning's G² over groups
    examples TEXT[] NOT NULL,             -- a few group ids holding both terms
    PRIMARY KEY (run_id, src_lang, tgt_lang, src_term)
);

-- Every URL a run tried, from the raw store's fetch log (one row per attempt).
CREATE TABLE fetches (
    fetch_id      TEXT PRIMARY KEY,
    run_id        TEXT,                   -- runs.run_id; NULL for a fetch-only run
    source        TEXT NOT NULL,          -- itu, snapshot, …
    url           TEXT NOT NULL,
    resolution    TEXT NOT NULL,
    lang          TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    document      TEXT,                   -- ITU document name, e.g. S22-PP-C-0076!A35
    format        TEXT,                   -- docx, pdf, html
    status        TEXT NOT NULL CHECK (status IN ('downloaded', 'unchanged', 'missing', 'failed')),
    http_status   INTEGER,
    bytes         BIGINT,
    sha256        TEXT,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    error         TEXT
);
