-- pagerline schema, version 6: Twilio webhooks already handled (replay protection).
-- A row per handled webhook (key built from Twilio's own ids, e.g. sms:<MessageSid>), inserted
-- BEFORE acting: the primary key makes a concurrent or later replay lose the insert, and it is then
-- answered with the stored answer without acting again. Rows older than the retention window
-- (JdbcWebhookLedger) are deleted. Portable SQL: H2 2.x and PostgreSQL.

CREATE TABLE twilio_webhooks (
    webhook_key VARCHAR(200)  PRIMARY KEY,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    answer      VARCHAR(8000)                      -- the TwiML answered; null while being handled
);

CREATE INDEX twilio_webhooks_seen_at ON twilio_webhooks (seen_at);
