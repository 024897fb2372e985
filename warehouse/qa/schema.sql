-- QA tables (issue 6). Idempotent: run in the same transaction as the rows they receive.
-- To be folded into the warehouse migrations; kept here until then.

-- One row per finding of a QA run; run_id is the pipeline run the QA read.
CREATE TABLE IF NOT EXISTS qa_findings (
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
CREATE TABLE IF NOT EXISTS term_candidates (
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

-- Findings per run, check and severity.
CREATE VIEW IF NOT EXISTS qa_summary AS
SELECT
    run_id,
    check_name,
    severity,
    count(*) AS findings,
    count(DISTINCT group_id) AS groups,
    string_agg(DISTINCT lang, ',' ORDER BY lang) AS langs
FROM qa_findings
GROUP BY run_id, check_name, severity
ORDER BY run_id, check_name, CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END;
