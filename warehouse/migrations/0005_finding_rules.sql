-- Migration 5: every QA finding says which rule fired and which values it compared, in
-- columns a reviser can filter on (issue 12). Findings stored before this migration keep
-- empty strings.
ALTER TABLE qa_findings ADD COLUMN rule TEXT DEFAULT '';      -- e.g. number-differs, glossed
ALTER TABLE qa_findings ADD COLUMN found TEXT DEFAULT '';     -- the value as this language has it
ALTER TABLE qa_findings ADD COLUMN expected TEXT DEFAULT '';  -- the value the other languages have
