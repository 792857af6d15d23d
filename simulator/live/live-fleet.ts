import type { DeviceKind } from '../../twins/telemetry/schema';
import type { Simulation } from '../simulation';
import { openGradually } from './connector';
import { DeviceLink, type LinkStats } from './device-link';
import { runRealtime } from './realtime';

export interface LiveFleetOptions {
  mqttUrl: string;
  /** New device connections per second. */
  connectRate: number;
  tickMs?: number;
  now?: () => number;
}

export interface KindTotals {
  devices: number;
  sent: number;
  acked: number;
  errors: number;
}

export interface LiveTotals extends KindTotals {
  opened: number;
  connected: number;
  connectionErrors: number;
  /** Readings of devices whose connection is not open yet. */
  waiting: number;
  /** Sent and neither acknowledged nor failed yet. */
  inFlight: number;
  byKind: Partial<Record<DeviceKind, KindTotals>>;
}

/**
 * The MQTT edge of a simulation: one connection per device, opened gradually, fed by the
 * real-time clock; counts what each device sent and what the broker acknowledged.
 */
export class LiveFleet {
  readonly links: DeviceLink[];
  private readonly byDevice: Map<string, DeviceLink>;
  private clock: { stop(): void } | undefined;
  private connector: { stop(): void } | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly options: LiveFleetOptions,
  ) {
    this.links = sim.devices.map((d) => new DeviceLink(d.id, d.kind, { url: options.mqttUrl }));
    this.byDevice = new Map(this.links.map((l) => [l.stats.deviceId, l]));
  }

  start(): void {
    this.connector = openGradually(this.links.length, this.options.connectRate, (i) => this.links[i]!.open());
    this.clock = runRealtime(
      this.sim,
      (message) => this.byDevice.get(message.deviceId)!.publish(message),
      { ...(this.options.tickMs ? { tickMs: this.options.tickMs } : {}), ...(this.options.now ? { now: this.options.now } : {}) },
    );
  }

  totals(): LiveTotals {
    const t: LiveTotals = { devices: 0, sent: 0, acked: 0, errors: 0, opened: 0, connected: 0, connectionErrors: 0, waiting: 0, inFlight: 0, byKind: {} };
    for (const link of this.links) {
      const s = link.stats;
      t.devices++;
      t.sent += s.sent;
      t.acked += s.acked;
      t.errors += s.errors;
      t.waiting += s.waiting;
      t.connectionErrors += link.connectionErrors;
      if (link.opened) t.opened++;
      if (s.connected) t.connected++;
      const k = (t.byKind[s.kind] ??= { devices: 0, sent: 0, acked: 0, errors: 0 });
      k.devices++;
      k.sent += s.sent;
      k.acked += s.acked;
      k.errors += s.errors;
    }
    t.inFlight = t.sent - t.acked - t.errors;
    return t;
  }

  deviceStats(): LinkStats[] {
    return this.links.map((l) => ({ ...l.stats }));
  }

  /**
   * Stops taking readings, gives in-flight messages up to `drainMs` to be acknowledged, then
   * closes every connection (forcibly for those still busy after that).
   */
  async stop(drainMs = 10_000): Promise<void> {
    this.clock?.stop();
    this.connector?.stop();
    const deadline = Date.now() + drainMs;
    while (this.totals().inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const force = this.totals().inFlight > 0;
    await Promise.all(this.links.map((l) => l.close(force)));
  }
}
