-- pagerline schema, version 22: two indexes of the support line's busiest tables that no longer
-- move with every call. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 13+.
--
-- H2 writes every page a commit changed, whole, and under load that page store is the line's
-- slowest serial step (README, "The support line under load"). Two indexes rewrote pages on every
-- call for nothing a query reads:
-- * calls_live (outcome, server_run): each call's entry moved from the live calls to the ended
--   ones, with the run's "host|id" in every key. The only query (the calls a stopped run left
--   live) asks for outcome IS NULL and compares the run's prefix by hand, so the key is the
--   outcome alone.
-- * tickets_caller (caller_number, updated_at): every line on a ticket's timeline moved its entry.
--   The reuse query asks for the caller's OPEN tickets (and sorts the one or two it finds), so the
--   key is the number and the status, which change when a ticket is opened or closed.
DROP INDEX calls_live;
CREATE INDEX calls_live ON calls (outcome);
DROP INDEX tickets_caller;
CREATE INDEX tickets_caller ON tickets (caller_number, status);
