-- The claim pass's pages asking for an acknowledgement (kind PAGE), oldest first across the
-- policy's steps. In an outage they are not a handful: each urgent voicemail's pages to a phone
-- wait out that phone's bundle gap together, hundreds at a time, and sorting them all on every
-- pass was the larger half of the pass. Read in this index's order, the pass stops at its limit.
CREATE INDEX pages_due_by_kind ON pages (state, kind, next_attempt_at, id);
