-- Registry: what the fleet is made of. Ids are the same tokens the platform uses in MQTT topics and
-- NATS subjects (idSchema in twins/telemetry/schema.ts); the application validates them there.

CREATE TABLE depots (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  lat        double precision CHECK (lat BETWEEN -90 AND 90),
  lon        double precision CHECK (lon BETWEEN -180 AND 180),
  timezone   text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
  id         text PRIMARY KEY,
  depot_id   text REFERENCES depots (id),
  vin        text UNIQUE,
  plate      text,
  make       text,
  model      text,
  model_year smallint CHECK (model_year BETWEEN 1950 AND 2100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicles_depot_id ON vehicles (depot_id);

-- A device may sit on the shelf (no vehicle) between installations.
CREATE TABLE devices (
  id             text PRIMARY KEY,
  vehicle_id     text REFERENCES vehicles (id) ON DELETE SET NULL,
  kind           text NOT NULL,          -- DeviceKind: gps, obd, dashcam, temperature, tyre, telematics
  format         text NOT NULL,          -- the adapter that decodes it: json, teltonika, gt06, obd2
  firmware       text,                   -- last version the device reported
  hardware_model text NOT NULL,          -- what firmware manifests target, e.g. FMC130
  installed_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_vehicle_id ON devices (vehicle_id);
CREATE INDEX devices_hardware_model ON devices (hardware_model, firmware);

-- Drivers are pseudonymised: the id is an opaque token issued outside FleetTwin (e.g. an HMAC of the
-- HR number kept by the operator), and no name, contact or licence number is stored here.
CREATE TABLE drivers (
  id              text PRIMARY KEY,
  depot_id        text REFERENCES depots (id),
  licence_classes text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now()
);
