-- The views users query. Recreated (CREATE OR REPLACE) after every migration, so a change
-- here needs a new migration file too, even an empty one, to bump the schema version.
-- level_rank(level), 1 for section to 4 for sentence, is a macro created before this
-- script from corpus.model.Level (warehouse/migrations/__init__.py), the order's one home.

-- One row per group, one text column per language, in the order of the documents (coarse
-- levels first, then position). Several segments of one language in a group (a 2-1 bead)
-- are joined with a space, except Chinese, written without; an absent language is NULL.
-- A member's segment is of its group's resolution: saying so in the join lets a filter on
-- the resolution reach the segments too (otherwise DuckDB hashed every segment's text of
-- the corpus for one resolution's rows: 42 against 12 MB and 0.06 against 0.035 s for a
-- review page at 40 UN documents).
CREATE OR REPLACE VIEW parallel AS
SELECT
    g.group_id,
    g.resolution,
    g.level,
    g.key,
    g.position,
    g.method,
    g.confidence,
    g.best_match_similarity,
    g.n_langs,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'ar') AS ar,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'en') AS en,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'es') AS es,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'fr') AS fr,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'ru') AS ru,
    string_agg(s.text, '' ORDER BY m.ord) FILTER (WHERE m.lang = 'zh') AS zh
FROM alignment_groups AS g
LEFT JOIN alignment_members AS m ON m.group_id = g.group_id
LEFT JOIN segments AS s ON s.segment_id = m.segment_id AND s.resolution = g.resolution
GROUP BY
    g.group_id, g.resolution, g.level, g.key, g.position, g.method, g.confidence,
    g.best_match_similarity, g.n_langs
ORDER BY
    g.resolution,
    level_rank(g.level),
    g.position,
    g.group_id;

-- Every pair of languages present in a group, as rows (lang_a before lang_b in ar, en, es,
-- fr, ru, zh). similarity is the cosine of the two texts when the run stored it
-- (similarity_basis = 'pair'), otherwise the group's confidence, the mean cosine over
-- its language pairs (similarity_basis = 'group').
CREATE OR REPLACE VIEW pairs AS
WITH texts AS (
    SELECT
        m.group_id,
        m.lang,
        CASE m.lang
            WHEN 'zh' THEN string_agg(s.text, '' ORDER BY m.ord)
            ELSE string_agg(s.text, ' ' ORDER BY m.ord)
        END AS text
    FROM alignment_members AS m
    JOIN segments AS s ON s.segment_id = m.segment_id
    GROUP BY m.group_id, m.lang
)
SELECT
    g.group_id,
    g.resolution,
    g.level,
    g.key,
    g.position,
    a.lang AS lang_a,
    a.text AS text_a,
    b.lang AS lang_b,
    b.text AS text_b,
    coalesce(p.similarity, g.confidence) AS similarity,
    CASE
        WHEN p.similarity IS NOT NULL THEN 'pair'
        WHEN g.confidence IS NOT NULL THEN 'group'
    END AS similarity_basis,
    g.method
FROM alignment_groups AS g
JOIN texts AS a ON a.group_id = g.group_id
JOIN texts AS b ON b.group_id = g.group_id AND a.lang < b.lang
LEFT JOIN pair_similarity AS p
    ON p.group_id = g.group_id AND p.lang_a = a.lang AND p.lang_b = b.lang
ORDER BY g.resolution, g.level, g.position, g.group_id, lang_a, lang_b;

-- Clauses in document order with the section they sit in (a sub-clause's section is its
-- parent clause's) and the clause-level group that aligns them across languages.
CREATE OR REPLACE VIEW clauses AS
SELECT
    c.resolution,
    coalesce(
        CASE WHEN p.level = 'section' THEN p.key END,
        CASE WHEN pp.level = 'section' THEN pp.key END
    ) AS section_key,
    c.key,
    c.label,
    c.lang,
    c.text,
    c.segment_id,
    m.group_id
FROM segments AS c
LEFT JOIN segments AS p ON p.segment_id = c.parent_id
LEFT JOIN segments AS pp ON pp.segment_id = p.parent_id
LEFT JOIN alignment_members AS m ON m.segment_id = c.segment_id
WHERE c.level = 'clause'
ORDER BY c.resolution, c.lang, c.start_char, c.segment_id;

-- What each run changed: a segment whose text first appeared in the run ('added' when it
-- had no earlier text, 'changed' otherwise) or whose text the run dropped ('removed').
-- "Since the last run": WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC
-- LIMIT 1).
CREATE OR REPLACE VIEW segment_changes AS
WITH changes AS (
    SELECT
        n.valid_from_run AS run_id,
        CASE WHEN o.segment_id IS NULL THEN 'added' ELSE 'changed' END AS change,
        n.segment_id, n.resolution, n.lang, n.level, n.key, n.label,
        o.text AS old_text,
        n.text AS new_text
    FROM segment_versions AS n
    LEFT JOIN segment_versions AS o
        ON o.segment_id = n.segment_id AND o.valid_to_run = n.valid_from_run
    UNION ALL
    SELECT
        o.valid_to_run, 'removed', o.segment_id, o.resolution, o.lang, o.level, o.key,
        o.label, o.text, NULL
    FROM segment_versions AS o
    WHERE o.valid_to_run IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM segment_versions AS n
        WHERE n.segment_id = o.segment_id AND n.valid_from_run = o.valid_to_run
    )
)
SELECT c.run_id, r.started_at AS run_started_at, c.* EXCLUDE (run_id)
FROM changes AS c
LEFT JOIN runs AS r ON r.run_id = c.run_id
ORDER BY r.started_at, c.run_id, c.resolution, c.lang, c.segment_id;

-- QA findings per run, check and severity (see itu-corpus qa).
CREATE OR REPLACE VIEW qa_summary AS
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

-- The change report: segments of every level added, changed or removed by each run in each
-- language, with the group of their level that aligns them, the languages of that group the
-- run changed and those it left as they were. A segment changed in some languages but not in
-- the others is a stale translation (unchanged_langs not empty; see the `stale` QA check).
CREATE OR REPLACE VIEW level_changes AS
WITH changed AS (
    SELECT c.*, m.group_id
    FROM segment_changes AS c
    LEFT JOIN alignment_members AS m ON m.segment_id = c.segment_id
),
per_group AS (
    SELECT run_id, group_id, list(DISTINCT lang ORDER BY lang) AS changed_langs
    FROM changed
    WHERE group_id IS NOT NULL
    GROUP BY run_id, group_id
),
group_langs AS (
    SELECT group_id, list(DISTINCT lang ORDER BY lang) AS langs
    FROM alignment_members
    GROUP BY group_id
)
SELECT
    c.run_id,
    c.run_started_at,
    c.change,
    c.resolution,
    c.level,
    c.key,
    c.lang,
    c.label,
    c.old_text,
    c.new_text,
    c.segment_id,
    c.group_id,
    coalesce(p.changed_langs, [c.lang]) AS changed_langs,
    coalesce(
        list_filter(gl.langs, x -> NOT list_contains(p.changed_langs, x)), []::VARCHAR[]
    ) AS unchanged_langs
FROM changed AS c
LEFT JOIN per_group AS p ON p.run_id = c.run_id AND p.group_id = c.group_id
LEFT JOIN group_langs AS gl ON gl.group_id = c.group_id
ORDER BY
    c.run_started_at, c.run_id, c.resolution,
    level_rank(c.level),
    c.key, c.lang, c.segment_id;

-- The clause-level rows of level_changes (the change report of documents with clauses).
CREATE OR REPLACE VIEW clause_changes AS
SELECT * EXCLUDE (level) FROM level_changes WHERE level = 'clause'
ORDER BY run_started_at, run_id, resolution, key, lang;
