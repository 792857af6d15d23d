-- Domain events the twins announce on the EVENTS stream (evt.<kind>.<vehicleId>), written by the
-- recorder. A stream's sequence numbers start again at 1 when the stream is recreated, so a message
-- is identified by the stream's creation time together with its sequence: redelivery of the same
-- message conflicts and is dropped, a recreated stream's messages do not collide with the old ones.

CREATE TABLE events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_created_at timestamptz NOT NULL,
  stream_seq        bigint NOT NULL,
  vehicle_id        text NOT NULL,
  kind              text NOT NULL,
  at                timestamptz NOT NULL,
  payload           jsonb NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_created_at, stream_seq)
);
CREATE INDEX events_vehicle_id_at ON events (vehicle_id, at);
CREATE INDEX events_kind_at ON events (kind, at);
-- Retention deletes by age.
CREATE INDEX events_at ON events (at);
