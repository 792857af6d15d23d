-- Every canonical telemetry record (twins/telemetry/schema.ts) the TELEMETRY stream carried, written
-- by the recorder in batches. Partitioned by device day (UTC): retention drops whole partitions
-- instead of deleting rows, and queries over a time window only touch its days. Partitions are
-- created ahead by the recorder and the retention workflow (infra/db/telemetry-partitions.ts).
--
-- PostgreSQL only enforces uniqueness on a partitioned table with the partition key in the key, so
-- the key is (device_id, seq, device_time): a resent reading carries the same device time, so this
-- is "one row per device reading" — and a device whose counter restarts does not lose its readings.

CREATE TABLE telemetry_history (
  vehicle_id  text NOT NULL,
  device_id   text NOT NULL,
  seq         bigint NOT NULL,
  device_time timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  record      jsonb NOT NULL,
  PRIMARY KEY (device_id, seq, device_time)
) PARTITION BY RANGE (device_time);

CREATE INDEX telemetry_history_vehicle_id_time ON telemetry_history (vehicle_id, device_time);
