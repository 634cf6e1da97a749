-- The message the dialplan's fallback voicemail recorded for a call (Asterisk's name for it, no
-- extension), handed over by the dialplan's h extension once the caller hung up. Set once: a
-- repeated hand-over (the dialplan trying the next node) changes nothing.
ALTER TABLE calls ADD COLUMN fallback_recording VARCHAR(400);
