-- Every provider record (an SMS or call SID) pagerline has learnt of, and whose page it is: a page's
-- provider_id holds only its latest hand-over's, and a retry, a status report that came before the
-- hand-over's answer was written, or a late answer that was ignored would otherwise leave a record
-- nobody's, for another page's look-up after a crash to take as its own (that page would then be
-- marked sent and never ring). page_id NULL: a look-up could not tell whose it is (two hand-overs
-- to one phone had unknown outcomes when it was made); it is taken for no page, and the pages are
-- sent again instead (at most one duplicate each). No unique key: two transactions may note one
-- record at once (a status report and the hand-over's answer), and neither may fail for it; a
-- record is a page's only if every row for it names that page.
CREATE TABLE provider_records (
    provider_id VARCHAR(100) NOT NULL,
    page_id     BIGINT,
    noted_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX provider_records_id ON provider_records (provider_id);
