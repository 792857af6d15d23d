import { brokerFor, brokerUrls } from '../../twins/bus/mqtt-brokers';
import { commandTopic, OTA_FORMATS } from '../../twins/commands/command';
import type { DeviceKind } from '../../twins/telemetry/schema';
import type { Device } from '../devices/device';
import { OtaAgent, type OtaBehaviour } from '../devices/ota-agent';
import type { Simulation } from '../simulation';
import { openGradually } from './connector';
import { DeviceLink, type LinkStats } from './device-link';
import { runRealtime } from './realtime';

export interface LiveFleetOptions {
  /** One broker, or several comma-separated: a vehicle's devices keep to one (twins/bus/mqtt-brokers.ts). */
  mqttUrl: string;
  /** New device connections per second. */
  connectRate: number;
  /** Simulated seconds between reconnect storms (every connection dropped at once); 0: none. */
  stormEveryS?: number;
  tickMs?: number;
  now?: () => number;
  /** Devices take OTA commands on their command topic; absent: they ignore commands. */
  ota?: LiveOtaOptions;
}

export interface LiveOtaOptions {
  /** The fleet root certificate devices are provisioned with (null: they refuse every offer). */
  trustAnchorPem: string | null;
  behaviour: OtaBehaviour;
}

export interface KindTotals {
  devices: number;
  sent: number;
  acked: number;
  errors: number;
}

/** The counters of LinkStats, summed. */
export const linkCounters = [
  'sent', 'acked', 'errors', 'readingsAcked', 'duplicatesSent', 'malformedSent', 'malformedAcked',
  'stored', 'replayed', 'held', 'waiting', 'reconnects',
] as const satisfies ReadonlyArray<keyof LinkStats>;
export type LinkCounters = Record<(typeof linkCounters)[number], number>;

export interface LiveTotals extends LinkCounters {
  devices: number;
  opened: number;
  connected: number;
  /** Devices that have been connected at least once (storms make `connected` dip). */
  connectedOnce: number;
  connectionErrors: number;
  /** Sent and neither acknowledged nor failed yet. */
  inFlight: number;
  /** Reconnect storms set off. */
  storms: number;
  /**
   * How far the simulated clock is behind the wall clock (the slowest process): a process short of
   * CPU falls behind, and its readings carry the simulated time, so they arrive looking that old.
   */
  behindMs: number;
  byKind: Partial<Record<DeviceKind, KindTotals>>;
  /** Devices per wire format. */
  byFormat: Record<string, number>;
}

export function emptyTotals(): LiveTotals {
  const counters = Object.fromEntries(linkCounters.map((k) => [k, 0])) as LinkCounters;
  return { ...counters, devices: 0, opened: 0, connected: 0, connectedOnce: 0, connectionErrors: 0, inFlight: 0, storms: 0, behindMs: 0, byKind: {}, byFormat: {} };
}

/** Sums the totals of several simulator processes into one. */
export function addTotals(into: LiveTotals, t: LiveTotals): LiveTotals {
  for (const k of linkCounters) into[k] += t[k];
  into.devices += t.devices;
  into.opened += t.opened;
  into.connected += t.connected;
  into.connectedOnce += t.connectedOnce;
  into.connectionErrors += t.connectionErrors;
  into.inFlight += t.inFlight;
  into.storms += t.storms;
  into.behindMs = Math.max(into.behindMs, t.behindMs);
  for (const [kind, k] of Object.entries(t.byKind) as Array<[DeviceKind, KindTotals]>) {
    const sum = (into.byKind[kind] ??= { devices: 0, sent: 0, acked: 0, errors: 0 });
    sum.devices += k.devices;
    sum.sent += k.sent;
    sum.acked += k.acked;
    sum.errors += k.errors;
  }
  for (const [format, n] of Object.entries(t.byFormat)) into.byFormat[format] = (into.byFormat[format] ?? 0) + n;
  return into;
}

/**
 * The MQTT edge of a simulation: one connection per device, opened gradually, fed by the
 * real-time clock; counts what each device sent and what the broker acknowledged, and sets off
 * reconnect storms on the simulated clock.
 */
export class LiveFleet {
  readonly links: DeviceLink[];
  private readonly byDevice: Map<string, DeviceLink>;
  private clock: { stop(): void } | undefined;
  private connector: { stop(): void } | undefined;
  private storms = 0;
  private nextStormMs = Infinity;

  constructor(
    private readonly sim: Simulation,
    private readonly options: LiveFleetOptions,
  ) {
    const brokers = brokerUrls(options.mqttUrl);
    this.links = sim.devices.map((d) => {
      const agent = options.ota ? this.otaAgentOf(d, options.ota) : undefined;
      const commands = agent ? { topic: commandTopic(d.vehicle.id, d.id), receive: (payload: Uint8Array) => agent.receive(payload) } : undefined;
      return new DeviceLink(d.id, d.kind, d.format, { url: brokerFor(d.vehicle.id, brokers), ...(commands ? { commands } : {}) });
    });
    this.byDevice = new Map(this.links.map((l) => [l.stats.deviceId, l]));
  }

  /** Every device of a format that takes OTA commands has an agent (binary formats carry no OTA reports). */
  private otaAgentOf(device: Device, ota: LiveOtaOptions): OtaAgent | undefined {
    if (!OTA_FORMATS.includes(device.format)) return undefined;
    const agent: OtaAgent = new OtaAgent({
      firmware: device.firmware,
      trustAnchorPem: ota.trustAnchorPem,
      behaviour: ota.behaviour,
      random: Math.random,
      report: (reading) => {
        if (reading.firmware) device.firmware = reading.firmware;
        this.byDevice.get(device.id)!.publish(device.report(reading, Date.now()));
      },
    });
    return agent;
  }

  start(): void {
    const stormMs = (this.options.stormEveryS ?? 0) * 1000;
    if (stormMs > 0) this.nextStormMs = this.sim.timeMs + stormMs;
    this.connector = openGradually(this.links.length, this.options.connectRate, (i) => this.links[i]!.open());
    this.clock = runRealtime(
      this.sim,
      (message) => {
        if (this.sim.timeMs >= this.nextStormMs) this.storm(stormMs);
        this.byDevice.get(message.deviceId)!.publish(message);
      },
      { ...(this.options.tickMs ? { tickMs: this.options.tickMs } : {}), ...(this.options.now ? { now: this.options.now } : {}) },
    );
  }

  /** Every connection drops at once; each client reconnects after its reconnect period, all together. */
  private storm(everyMs: number): void {
    this.storms++;
    this.nextStormMs += everyMs;
    for (const link of this.links) link.dropConnection();
  }

  totals(): LiveTotals {
    const t = emptyTotals();
    t.storms = this.storms;
    if (this.clock) t.behindMs = Math.max(0, (this.options.now ?? Date.now)() - this.sim.timeMs);
    for (const link of this.links) {
      const s = link.stats;
      for (const k of linkCounters) t[k] += s[k];
      t.devices++;
      t.connectionErrors += link.connectionErrors;
      if (link.opened) t.opened++;
      if (s.connected) t.connected++;
      if (link.hasConnected) t.connectedOnce++;
      const k = (t.byKind[s.kind] ??= { devices: 0, sent: 0, acked: 0, errors: 0 });
      k.devices++;
      k.sent += s.sent;
      k.acked += s.acked;
      k.errors += s.errors;
      t.byFormat[s.format] = (t.byFormat[s.format] ?? 0) + 1;
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
