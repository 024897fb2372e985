-- Migration 9: one name, one meaning (issue 13). `confidence` held the mean cosine of a
-- group's languages ("sure it matches") and, for a group of one language, 1 minus its best
-- cosine to another language of the unit ("sure nothing matches"). It now holds only the
-- first; one-language groups get `best_match_similarity`, their best cosine itself (NULL
-- when the unit had no other language: those stored 1.0).
ALTER TABLE alignment_groups ADD COLUMN best_match_similarity DOUBLE;
UPDATE alignment_groups
SET best_match_similarity = CASE WHEN confidence < 1.0 THEN 1.0 - confidence END,
    confidence = NULL
WHERE n_langs = 1;

-- What each document of the corpus is: one row per resolution id, with its kind, the body
-- and meeting that adopted it, its year, its ITU document name and its title in each
-- language. Written by every load for the resolutions it saw; filled here from the titles
-- already loaded (the registry's fields come with the next run).
CREATE TABLE resolutions (
    resolution TEXT PRIMARY KEY,      -- the id documents, segments and groups use: 130, udhr
    kind       TEXT,                  -- resolution, recommendation or declaration
    body       TEXT,                  -- who adopted it: PP, WTSA, ITU-T, UNGA …
    meeting    TEXT,                  -- the conference or study group: PP-22, WTSA-16, SG2 …
    year       INTEGER,               -- the year of the edition in the corpus
    document   TEXT,                  -- ITU document name, e.g. S22-PP-C-0076!A35
    title_ar   TEXT,
    title_en   TEXT,
    title_es   TEXT,
    title_fr   TEXT,
    title_ru   TEXT,
    title_zh   TEXT,
    run_id     TEXT                   -- the run that wrote the row
);
INSERT INTO resolutions (resolution, title_ar, title_en, title_es, title_fr, title_ru,
                         title_zh, run_id)
SELECT resolution,
       max(title) FILTER (WHERE lang = 'ar'), max(title) FILTER (WHERE lang = 'en'),
       max(title) FILTER (WHERE lang = 'es'), max(title) FILTER (WHERE lang = 'fr'),
       max(title) FILTER (WHERE lang = 'ru'), max(title) FILTER (WHERE lang = 'zh'),
       max(run_id)
FROM documents GROUP BY resolution;
