import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';

const fleetBin = fileURLToPath(new URL('../../bin/fleet.mjs', import.meta.url));
const run = randomBytes(3).toString('hex');
let dataDir: string;
let db: ScratchDatabase;

function fleet(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fleetBin, ...args], { env: { ...process.env, FLEET_DATA_DIR: dataDir, FLEET_DATABASE_URL: db.url, ...extraEnv } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ota-cli-'));
  db = await createScratchDatabase(loadConfig().FLEET_DATABASE_URL, 'otacli');
  await migrate(db.pool);
});
afterAll(async () => {
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('fleet pki and fleet ota on the command line', () => {
  it('publishing before `fleet pki init` says to run it, exit 1', async () => {
    await writeFile(join(dataDir, 'fw.bin'), 'image');
    const r = await fleet(['ota', 'publish', join(dataDir, 'fw.bin'), '--version', '3.5.0', '--models', 'FT-GPS']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^fleet ota publish: no signing certificate in .*: run `fleet pki init` first$/);
  }, 180_000);

  it('pki init, then publish signs and stores the firmware; a second publish of the same id is refused', async () => {
    expect((await fleet(['pki', 'init'])).code).toBe(0);
    const show = await fleet(['pki', 'show', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ chain: { ok: true }, root: { keyMode: '0600' }, signing: { keyMode: '0600' } });
    const args = ['ota', 'publish', join(dataDir, 'fw.bin'), '--version', '3.5.0', '--models', 'FT-GPS,FT-OBD', '--id', `fw-${run}`];
    const published = await fleet(args);
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch(new RegExp(`^published fw-${run}: FT-GPS, FT-OBD 3\\.5\\.0, 5 bytes, SHA-256 [0-9a-f]{64}, expires `));
    const { rows } = await db.pool.query('SELECT version, hardware_models, signed_manifest IS NOT NULL AS signed FROM firmware_manifests WHERE id = $1', [`fw-${run}`]);
    expect(rows).toEqual([{ version: '3.5.0', hardware_models: ['FT-GPS', 'FT-OBD'], signed: true }]);
    const again = await fleet(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is already published');
  }, 180_000);

  it('bad flags are usage errors (exit 2) that name what is wrong, before anything is contacted', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ota', 'start', '--manifest', 'm', '--models', 'FT-GPS', '--waves', '1,50,40'], /waves must rise: 50 % then 40 %/],
      [['ota', 'start', '--manifest', 'm'], /name the targets/],
      [['ota', 'start', '--manifest', 'm', '--models', 'FT-GPS', '--gate', '1.5'], /--gate.*1\.5 is outside 0\.\.1/],
      [['ota', 'start', '--manifest', 'm', '--models', 'FT-GPS', '--hours', '25-3'], /is not local hours like 22-5/],
      [['ota', 'publish', 'x', '--version', 'latest', '--models', 'FT-GPS'], /"latest" is not a version/],
      [['ota', 'pause', 'bad id!'], /is not a campaign id/],
    ];
    for (const [args, message] of cases) {
      const r = await fleet(args, { FLEET_TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  }, 240_000);

  it('status of a campaign that does not exist says so, exit 1', async () => {
    const r = await fleet(['ota', 'status', `nothing-${run}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`fleet ota status: no OTA campaign nothing-${run} (fleet ota list shows the campaigns)`);
  }, 180_000);
});
