-- Migration 2: segment history, per-pair similarity, the search table.

-- Every text a segment has had. A version is open (valid_to_run NULL) while the segment
-- still has that text; a load that changes or drops the segment closes it with its run.
CREATE TABLE segment_versions (
    segment_id     TEXT NOT NULL,
    doc_id         TEXT NOT NULL,
    resolution     TEXT NOT NULL,
    lang           TEXT NOT NULL CHECK (lang IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    level          TEXT NOT NULL CHECK (level IN ('section', 'clause', 'paragraph', 'sentence')),
    key            TEXT NOT NULL,
    label          TEXT,
    text           TEXT NOT NULL,
    text_sha256    TEXT NOT NULL,         -- sha256 of text (UTF-8), hex
    valid_from_run TEXT NOT NULL,         -- the run that first loaded this text
    valid_to_run   TEXT,                  -- the run that replaced or dropped it; NULL = current
    PRIMARY KEY (segment_id, valid_from_run)
);

-- Cosine similarity of the texts of two languages of a group (lang_a < lang_b), when
-- the run that loaded the group supplied it; see the pairs view.
CREATE TABLE pair_similarity (
    group_id   TEXT NOT NULL,
    lang_a     TEXT NOT NULL CHECK (lang_a IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    lang_b     TEXT NOT NULL CHECK (lang_b IN ('ar', 'en', 'es', 'fr', 'ru', 'zh')),
    similarity DOUBLE NOT NULL,
    PRIMARY KEY (group_id, lang_a, lang_b),
    CHECK (lang_a < lang_b)
);

-- Internal: the tokens of every segment that the full-text index is built on
-- (warehouse/search.py rebuilds it, and its index, after every load).
CREATE TABLE segment_search (
    segment_id TEXT PRIMARY KEY,
    lang       TEXT NOT NULL,
    tokens     TEXT NOT NULL,             -- ' word word ' from norm, for phrase matching
    body       TEXT NOT NULL              -- what is indexed: tokens, or Han 1- and 2-grams
);

-- The segments already in the database become their first versions.
INSERT INTO segment_versions
SELECT segment_id, doc_id, resolution, lang, level, key, label, text, sha256(text), run_id, NULL
FROM segments;
