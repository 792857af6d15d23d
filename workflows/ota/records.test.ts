import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { rolloutPolicyOf } from './client';
import { createCampaign, type ManifestRecord } from './records';

let db: ScratchDatabase;
const manifest: ManifestRecord = { id: 'FT-GPS-3.5.0-test', version: '3.5.0', hardwareModels: ['FT-GPS'], signed: { manifest: {}, signature: '', certificate: '' } as never };

beforeAll(async () => {
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'ota_records');
  await migrate(db.pool);
  await db.pool.query(`INSERT INTO depots (id, name, region) VALUES ('D1', 'Fontvieille', 'riviera')`);
  await db.pool.query(`INSERT INTO vehicles (id, depot_id) VALUES ('V1', 'D1'), ('V2', 'D1'), ('V3', 'D1')`);
  await db.pool.query(
    `INSERT INTO devices (id, vehicle_id, kind, format, firmware, hardware_model) VALUES
       ('V1-gps', 'V1', 'gps', 'json', '3.4.1', 'FT-GPS'),
       ('V2-gps', 'V2', 'gps', 'teltonika', '3.4.1', 'FT-GPS'),
       ('V3-gps', 'V3', 'gps', 'json', '3.5.0', 'FT-GPS'),
       ('V1-obd', 'V1', 'obd', 'json', '2.1.0', 'FT-OBD')`,
  );
  await db.pool.query(
    `INSERT INTO firmware_manifests (id, hardware_model, version, url, sha256, size_bytes, signature, hardware_models)
     VALUES ($1, 'FT-GPS', '3.5.0', '/firmware/x', repeat('a', 64), 1, 'sig', '{FT-GPS}')`,
    [manifest.id],
  );
}, 60_000);
afterAll(async () => db?.drop());

describe('campaign targets', () => {
  it('leaves out devices whose format takes no OTA command (a Teltonika tracker would only time out and fail the gate), and counts them', async () => {
    const input = { campaignId: 'c-formats', manifestId: manifest.id, target: { regions: ['riviera'] }, policy: rolloutPolicyOf(), createdBy: 'test' };
    const created = await createCampaign(db.pool, input, 'ota-c-formats', manifest);
    // V3-gps already runs 3.5.0, V1-obd is another model.
    expect(created).toEqual({ totalDevices: 1, withoutOta: 1 });
    const { rows } = await db.pool.query('SELECT device_id FROM ota_campaign_devices WHERE campaign_id = $1', ['c-formats']);
    expect(rows.map((r) => r.device_id)).toEqual(['V1-gps']);
    // A retried activity finds the campaign made and answers the same.
    expect(await createCampaign(db.pool, input, 'ota-c-formats', manifest)).toEqual(created);
  });
});
