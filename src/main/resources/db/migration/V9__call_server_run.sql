-- pagerline schema, version 9: which server run serves a support-line call.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 13+.
--
-- A call's progress (steps, timeline lines) is saved in batches off the caller's path, so a server
-- that stops or is killed mid-call may not have saved its last lines. The server run ("host|id",
-- new at each start) lets the stopping server, or the next start on the same host, end the calls
-- it left live as CUT_OFF with a timeline line saying so: nothing is lost silently.
ALTER TABLE calls ADD COLUMN server_run VARCHAR(300);
CREATE INDEX calls_live ON calls (outcome, server_run);
