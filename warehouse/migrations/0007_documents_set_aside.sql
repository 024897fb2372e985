-- Migration 7: what a document's parser kept out of the corpus, and why.
-- set_aside is a JSON object of paragraph counts per kind of page furniture, e.g.
-- {"cover": 90, "copyright": 13, "toc": 19, "back": 47, "header_footer": 7,
--  "title_repeat": 2}; {} for sources without furniture. NULL for rows loaded before.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS set_aside JSON;
