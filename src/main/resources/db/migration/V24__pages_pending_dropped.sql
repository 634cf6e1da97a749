-- pagerline schema, version 24: the outbox keeps one index fewer. Portable SQL: runs unchanged on
-- H2 2.x and PostgreSQL 13+.
--
-- pages_pending (state, next_attempt_at) served one read, the engine's "when is the next page
-- due", and was written with every change of every page's state: in an outage the engine's
-- writes are a fifth of what H2 stores. The read now takes the first pending page of each kind
-- from pages_due_by_kind (state, kind, next_attempt_at, id), which the claim pass needs anyway.
DROP INDEX pages_pending;
