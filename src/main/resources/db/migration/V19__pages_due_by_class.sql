-- The dispatcher's claim pass takes the due pending pages in three classes (who-took-it notices,
-- pages asking for an acknowledgement, the notices that can wait), each oldest first, a few at a
-- time. One statement ordering by the class read every due page to sort them: in an outage the
-- rate-limited notices ("left ANOTHER urgent message") run into thousands, all due again each
-- time the limit's window moves, and every pass read them all. With this index each class is read
-- in its order and the read stops at what the pass can take.
CREATE INDEX pages_due_by_class ON pages (state, kind, step_no, next_attempt_at, id);
