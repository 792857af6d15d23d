-- OTA rollouts as built (workflows/ota): a manifest names several hardware models and carries its
-- signed form; a campaign keeps its policy and reason; every targeted device has a row with its
-- place in the rollout order (ordinal: waves and batches are ordinal ranges), the version it came
-- from (what a rollback returns to) and its latest OTA state.

ALTER TABLE depots ADD COLUMN region text;
CREATE INDEX depots_region ON depots (region);

ALTER TABLE firmware_manifests
  ALTER COLUMN hardware_model DROP NOT NULL,
  ALTER COLUMN device_kind DROP NOT NULL,
  ADD COLUMN hardware_models text[] NOT NULL DEFAULT '{}',
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN signed_manifest jsonb;
-- One version may ship as several artifacts over time (a re-signed manifest): the id is the key.
ALTER TABLE firmware_manifests DROP CONSTRAINT IF EXISTS firmware_manifests_hardware_model_version_key;

ALTER TABLE ota_campaigns
  ADD COLUMN policy jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN reason text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE ota_campaign_devices (
  campaign_id      text NOT NULL REFERENCES ota_campaigns (id) ON DELETE CASCADE,
  device_id        text NOT NULL,
  vehicle_id       text NOT NULL,
  hardware_model   text NOT NULL,
  ordinal          integer NOT NULL CHECK (ordinal >= 0),
  previous_version text,
  state            text NOT NULL DEFAULT 'pending',   -- DeviceState of workflows/ota/types.ts
  reason           text,
  offered_at       timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, device_id),
  UNIQUE (campaign_id, ordinal)
);
CREATE INDEX ota_campaign_devices_state ON ota_campaign_devices (campaign_id, state);
