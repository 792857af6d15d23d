import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import type { Logger } from '../../infra/log/logger';
import { geofenceSchema, type Geofence } from './geofence';
import { GeofenceIndex } from './geofence-index';

export const GEOFENCE_BUCKET = 'GEOFENCES';

/**
 * The fleet's geofences in a JetStream KV bucket, one key per fence id: written by the web API,
 * followed live by every twin host. A value that does not parse (written by hand) is skipped with
 * a warning rather than stopping the hosts.
 */
export class GeofenceStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<GeofenceStore> {
    return new GeofenceStore(await new Kvm(nc).create(GEOFENCE_BUCKET, { history: 5 }));
  }

  async put(fence: Geofence): Promise<void> {
    await this.kv.put(fence.id, JSON.stringify(fence));
  }

  /** False when there was no such fence. */
  async remove(id: string): Promise<boolean> {
    const entry = await this.kv.get(id);
    if (!entry || entry.operation !== 'PUT') return false;
    await this.kv.delete(id);
    return true;
  }

  async get(id: string): Promise<Geofence | null> {
    const entry = await this.kv.get(id);
    if (!entry || entry.operation !== 'PUT') return null;
    const parsed = geofenceSchema.safeParse(entry.json());
    return parsed.success ? parsed.data : null;
  }

  async list(): Promise<Geofence[]> {
    const fences: Geofence[] = [];
    for await (const key of await this.kv.keys()) {
      const fence = await this.get(key);
      if (fence) fences.push(fence);
    }
    return fences.sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Calls `onIndex` with the fences in force now, then again after every change. Resolves once
   * the first index is delivered; the returned function stops following.
   */
  async follow(onIndex: (index: GeofenceIndex) => void, log: Logger): Promise<() => void> {
    const fences = new Map((await this.list()).map((f) => [f.id, f]));
    onIndex(new GeofenceIndex([...fences.values()]));
    const watcher = await this.kv.watch();
    void (async () => {
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') {
          fences.delete(entry.key);
        } else {
          const parsed = geofenceSchema.safeParse(entry.json());
          if (!parsed.success) {
            log.warn({ key: entry.key, err: parsed.error.issues[0]?.message }, 'geofence ignored: not a valid geofence');
            continue;
          }
          fences.set(entry.key, parsed.data);
        }
        onIndex(new GeofenceIndex([...fences.values()]));
      }
    })().catch((err: unknown) => log.error({ err }, 'following geofences stopped'));
    return () => watcher.stop();
  }
}
