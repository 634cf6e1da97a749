-- What a notice tells (core/page/Notice: TAKEN, CALLBACK_LATE, ...), so that a paging call can say
-- it: Asterisk has no text to speech, and the call plays the recorded sentences it names. NULL on a
-- page asking for an acknowledgement, on a digest, and on the notices written before this version
-- (a call then says only that it is a notice about the ticket).
ALTER TABLE pages ADD COLUMN notice VARCHAR(24);
