-- Migration 6: what incremental QA and search keep per resolution (issue 16).

-- The candidate terms of every sentence-level group of two or more languages, kept per
-- resolution so that term mining (warehouse/qa/terms.py) re-reads only the resolutions a
-- run rebuilt and mines the whole corpus in one SQL statement.
CREATE TABLE term_groups (
    resolution TEXT NOT NULL,
    group_id   TEXT PRIMARY KEY,          -- alignment_groups.group_id (sentence level)
    position   INTEGER NOT NULL,
    src_lang   TEXT NOT NULL,             -- the group's reference language (en, fr, es, …)
    tgt_langs  TEXT[] NOT NULL            -- its other languages
);
CREATE TABLE term_occurrences (
    resolution TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    lang       TEXT NOT NULL,
    term       TEXT NOT NULL              -- a candidate term of the group's text in lang
);
