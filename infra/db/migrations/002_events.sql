-- Domain events the twins announce on the EVENTS stream (evt.<kind>.<vehicleId>), written by the
-- recorder. Two keys drop repeats:
-- * (stream_created_at, stream_seq): a redelivered message. A stream's sequence numbers start again
--   at 1 when it is recreated, so the sequence alone would make a new stream's events collide with
--   the old ones and vanish; the stream's creation time tells the two apart.
-- * (vehicle_id, event_id): the twin's own id for the event, derived from what caused it, so the
--   same event published again after a partition take-over (a new stream message) is stored once.

CREATE TABLE events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id          text,                 -- null when the publisher gave none
  vehicle_id        text NOT NULL,
  kind              text NOT NULL,
  at                timestamptz NOT NULL,
  payload           jsonb NOT NULL,       -- the message body as published
  stream_created_at timestamptz NOT NULL,
  stream_seq        bigint NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_created_at, stream_seq),
  UNIQUE (vehicle_id, event_id)
);
CREATE INDEX events_vehicle_id_at ON events (vehicle_id, at);
CREATE INDEX events_kind_at ON events (kind, at);
-- Retention deletes by age.
CREATE INDEX events_at ON events (at);
