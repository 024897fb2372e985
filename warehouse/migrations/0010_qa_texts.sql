-- Migration 10: what the corpus-wide checks keep per resolution (issue 16).

-- One row per language text of every paragraph-level group: what consistency and outliers
-- compare across the corpus, written when the resolution is checked and replaced when it
-- is rebuilt, so that a run asks SQL which groups can give a finding instead of reading
-- every group of the corpus back (warehouse/qa/corpus.py).
CREATE TABLE qa_texts (
    resolution TEXT NOT NULL,
    group_id   TEXT NOT NULL,             -- alignment_groups.group_id (paragraph level)
    lang       TEXT NOT NULL,
    form       TEXT NOT NULL,             -- the text's matching form (casefolded, unified)
    chars      INTEGER NOT NULL,          -- characters of the stripped text
    length     INTEGER NOT NULL,          -- characters outside brackets (length ratios)
    PRIMARY KEY (group_id, lang)
);
