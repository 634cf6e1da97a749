-- The bundle gap asks, for every urgent page it may hold, when the last urgent message went to that
-- phone (lastUrgentHandOver), and the rate limit when the last few did (nthNewestHandOver): both
-- only of the messages that went out themselves (bundle_of NULL). pages_to (to_number, claimed_at)
-- made them read every page claimed for the phone in the window, the pages carried inside bundles
-- among them: in an outage, hundreds of incidents paging one technician leave thousands of carried
-- pages in the gap, and the engine spent a third of its time there. This index replaces it (an
-- index beside it was not chosen: H2 plans a statement once, on the table as it is then, and keeps
-- the plan), with bundle_of before claimed_at so that only those messages are read.
DROP INDEX pages_to;
CREATE INDEX pages_to_unbundled ON pages (to_number, bundle_of, claimed_at);
