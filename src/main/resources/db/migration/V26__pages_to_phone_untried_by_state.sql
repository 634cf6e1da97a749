-- pagerline schema, version 26: a phone's untried pages, by state. Portable SQL: runs unchanged on
-- H2 2.x and PostgreSQL 13+.
--
-- When an urgent message goes to a phone, everything urgent still pending for it goes along
-- (JdbcPageStore.pendingUrgentTo). pages_to_unbundled (to_number, bundle_of, claimed_at) gave it
-- the phone's pages never claimed and never carried: the pending ones, and every page cancelled
-- before it went (its incident acknowledged or resolved inside the bundle gap). Those stay there
-- for good, so each outage left the next one's bundles reading more of them, a row each from the
-- table. With state last, the read takes the pending ones alone; the hand-over reads (to_number,
-- bundle_of NULL, a range of claimed_at) use the index as before.
DROP INDEX pages_to_unbundled;
CREATE INDEX pages_to_unbundled ON pages (to_number, bundle_of, claimed_at, state);
