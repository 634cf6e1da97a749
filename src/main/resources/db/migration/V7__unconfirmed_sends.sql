-- A hand-over whose outcome is unknown (the provider did not answer in time, or the server died
-- while sending): before the page is sent again, the provider is asked whether it got it.
-- Written by PageDispatcher; since = when that hand-over began (the earliest, when several were).
CREATE TABLE unconfirmed_sends (
    page_id BIGINT PRIMARY KEY REFERENCES pages(id),
    since   TIMESTAMP WITH TIME ZONE NOT NULL
);
