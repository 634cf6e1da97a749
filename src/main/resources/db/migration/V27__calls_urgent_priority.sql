-- The priority an urgent caller chose, kept on their call from the first save after the choice.
-- A call still live when its server stopped or died (ended as cut off) with a priority chosen and
-- nobody put through to it still owes that caller their page: the cut-off opens the incident.
ALTER TABLE calls ADD COLUMN urgent_priority VARCHAR(4);
