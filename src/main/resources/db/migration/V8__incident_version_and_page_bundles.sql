-- Version 8: one owner for an incident's life, and bundled pages.
-- incidents.version: bumped by every save of an incident; a save names the version it read
-- (compare-and-set: UPDATE ... WHERE id=? AND version=?), and on a conflict the service reads the
-- incident again and decides again (IncidentLife, Escalator). Written only by JdbcIncidentStore.save.
ALTER TABLE incidents ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;

-- pages.bundle_of: set by PageDispatcher when this page went out inside another page to the same
-- phone on the same channel (one message for several open incidents: "3 urgent incidents: ...");
-- the id of that page (the one handed over). Null for a page handed over itself.
ALTER TABLE pages ADD COLUMN bundle_of BIGINT;
CREATE INDEX pages_bundle ON pages (bundle_of);
