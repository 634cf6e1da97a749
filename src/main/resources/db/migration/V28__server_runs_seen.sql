-- Which server runs still serve their calls: each node writes its run's seen_at every few seconds
-- (line.dead-node-after / 6). A run silent longer than line.dead-node-after (its node killed, its
-- machine lost) has its live calls ended as cut off by another node, which pages the urgent callers
-- among them: before, only the next start on the same host ended them. Portable SQL (H2, PostgreSQL).
CREATE TABLE server_runs (
    run      VARCHAR(300) PRIMARY KEY,       -- calls.server_run: "host:port|random id"
    seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
