import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { usageExit } from '../../infra/cli/options';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../bus/connect';
import { geofenceIdSchema, geofenceRules, geofenceSchema, type Geofence } from './geofence';
import { GeoJsonError, ringFromGeoJson } from './geojson';
import { GeofenceStore } from './geofence-store';

const usage = (message: string) => Object.assign(new Error(message), { name: 'UsageError' });

async function withStore<T>(work: (store: GeofenceStore) => Promise<T>): Promise<T> {
  const nc = await connectNats(loadConfig().FLEET_NATS_URL, 'fleet-cli');
  try {
    return await work(await GeofenceStore.open(nc));
  } finally {
    await nc.close();
  }
}

/** A geofence from the command line: the ring from a GeoJSON file, the rest from flags. */
async function fenceFromFile(id: string, file: string, opts: { name?: string; rule: string }): Promise<Geofence> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw usage(`cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  let drawn: { ring: unknown[]; name?: string };
  try {
    drawn = ringFromGeoJson(doc);
  } catch (err) {
    if (err instanceof GeoJsonError) throw usage(`${file}: ${err.message}`);
    throw err;
  }
  const parsed = geofenceSchema.safeParse({ id, name: opts.name ?? drawn.name ?? id, rule: opts.rule, polygon: drawn.ring });
  if (!parsed.success) throw usage(`${file}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export function register(program: Command): void {
  const geofences = program
    .command('geofences')
    .description('List the geofences in force; `put` and `remove` change them (every twin host follows at once)')
    .exitOverride(usageExit)
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }) => {
      const fences = await withStore((store) => store.list());
      if (opts.json) {
        console.log(JSON.stringify(fences, null, 2));
        return;
      }
      if (fences.length === 0) {
        console.log('no geofences; add one with `fleet geofences put <id> --file area.geojson --rule keep_out`');
        return;
      }
      console.table(fences.map((f) => ({ id: f.id, name: f.name, rule: f.rule, points: f.polygon.length - 1 })));
    });

  geofences
    .command('put')
    .description('Create or replace a geofence from a GeoJSON Polygon (or a Feature, or a collection of one)')
    .argument('<id>', 'geofence id: 1-64 of a-z 0-9 - _')
    .requiredOption('--file <path>', 'GeoJSON file with the polygon ([longitude, latitude] points)')
    .addOption(new Option('--rule <rule>', 'keep_out: entering is a breach; keep_in: leaving is; watch: record only').choices(geofenceRules).makeOptionMandatory())
    .option('--name <name>', "shown name (default: the feature's name property, else the id)")
    .action(async (rawId: string, opts: { file: string; rule: string; name?: string }) => {
      const id = geofenceIdSchema.safeParse(rawId);
      if (!id.success) throw usage(`"${rawId}" is not a geofence id: ${id.error.issues[0]?.message}`);
      const fence = await fenceFromFile(id.data, opts.file, opts);
      await withStore((store) => store.put(fence));
      console.log(`geofence ${fence.id} (${fence.rule}, ${fence.polygon.length - 1} points) is in force`);
    });

  geofences
    .command('remove')
    .description('Delete a geofence')
    .argument('<id>', 'geofence id')
    .action(async (rawId: string) => {
      const removed = await withStore((store) => store.remove(rawId));
      if (!removed) {
        console.error(`fleet geofences remove: no geofence ${rawId}`);
        process.exitCode = 1;
        return;
      }
      console.log(`geofence ${rawId} removed`);
    });
}
