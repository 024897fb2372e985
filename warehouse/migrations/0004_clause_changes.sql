-- Migration 4: incremental runs and the change report.
-- No table changes: the run record (runs.summary) says which resolutions a run skipped and
-- why, and the new views clause_changes and stale_translations (views.sql) read
-- segment_versions. An index makes "what did this run change" a lookup.
CREATE INDEX IF NOT EXISTS segment_versions_from_run ON segment_versions (valid_from_run);
