-- A provider's record (an SMS or call SID) that a look-up after a crash passed over because it
-- could not tell whose it was: two hand-overs to one phone were unaccounted for when it was made.
-- No page is ever recorded as having been sent as one of these; the pages are sent again instead
-- (at most one duplicate each, never a page marked sent on another page's call).
CREATE TABLE unattributed_provider_records (
    provider_id VARCHAR(100) PRIMARY KEY,
    page_id     BIGINT       NOT NULL,      -- the page whose look-up passed it over
    noted_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
