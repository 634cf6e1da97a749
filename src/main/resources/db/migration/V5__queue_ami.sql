-- pagerline schema, version 5: help-desk queue sign-ins and the live view of Asterisk's queue.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL 13+.

-- Technicians who take queue calls (pagerline queue signin/signout). Set by the CLI only.
CREATE TABLE queue_signins (
    technician_id BIGINT PRIMARY KEY REFERENCES technicians (id) ON DELETE CASCADE,
    signed_in_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Callers waiting in Asterisk's queue. Written by the AMI adapter (QueueCallerJoin/Leave, QueueStatus).
CREATE TABLE queue_callers (
    unique_id     VARCHAR(64)  PRIMARY KEY,     -- the caller's Asterisk channel unique id
    queue_name    VARCHAR(80)  NOT NULL,
    caller_number VARCHAR(40),
    caller_name   VARCHAR(200),
    position      INTEGER      NOT NULL,        -- 1 = next to be answered
    joined_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Asterisk's queue members and their device state. Written by the AMI adapter.
CREATE TABLE queue_members (
    member_interface VARCHAR(200) PRIMARY KEY,  -- the dial string Asterisk rings
    technician_name  VARCHAR(200),              -- null: a member pagerline did not add
    member_state     VARCHAR(20)  NOT NULL,     -- NOT_IN_USE, IN_USE, BUSY, RINGING, UNAVAILABLE ...
    paused           BOOLEAN      NOT NULL,
    state_since      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The AMI link as the server last saw it (one row, name 'ami'). Written by the AMI adapter.
CREATE TABLE queue_link (
    name        VARCHAR(20) PRIMARY KEY,
    link_state  VARCHAR(10) NOT NULL,           -- up, down
    state_since TIMESTAMP WITH TIME ZONE NOT NULL
);
