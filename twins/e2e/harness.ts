import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, type JsMsg } from '@nats-io/jetstream';
import { pino } from 'pino';
import { loadConfig } from '../../infra/config/env';
import { connectNats, ensureStreams } from '../bus/connect';
import { deadLetterHeaders, partitionOf, STREAM_DEAD_LETTER, subjects } from '../bus/subjects';
import { Ingress } from '../ingress/ingress';
import { TwinHost } from '../runtime/twin-host';

/**
 * A real pipeline for tests: an ingress and a twin host in this process, on the real NATS and
 * Mosquitto the test run uses, plus a device-side MQTT client and helpers to read the outcome.
 */
export class PipelineHarness {
  nc!: NatsConnection;
  ingress!: Ingress;
  host!: TwinHost;
  device!: MqttClient;
  readonly config = loadConfig();
  readonly log = pino({ level: 'warn' });
  private deadLetterStart = 0;
  private jsm!: Awaited<ReturnType<typeof ensureStreams>>;

  /**
   * `ingressConnections: 1` keeps each device's messages in the order it sent them: the shared
   * subscription spreads consecutive messages over the connections, which publish independently.
   */
  async start(options: { group: string; timings?: { staleMs: number; offlineMs: number }; ingressConnections?: number }): Promise<void> {
    this.nc = await connectNats(this.config.FLEET_NATS_URL, 'e2e');
    this.jsm = await ensureStreams(this.nc);
    const partitions = this.config.FLEET_PARTITIONS;
    this.host = new TwinHost(
      this.nc,
      {
        hostId: `e2e-${options.group}`,
        partitions,
        timings: options.timings ?? { staleMs: 60_000, offlineMs: 300_000 },
      },
      this.log,
    );
    await this.host.start();
    // Leases of hosts from an earlier run may still be running out; this host is alone once they have.
    await waitFor(() => (this.host.partitionStatus().length === partitions ? true : undefined), 30_000, 100);
    // A group of its own, so an ingress of a running platform never takes these messages.
    this.ingress = new Ingress(this.nc, { mqttUrl: this.config.FLEET_MQTT_URL, partitions, connections: options.ingressConnections ?? 2, instanceId: options.group, group: options.group }, this.log);
    await this.ingress.start();
    this.device = await mqtt.connectAsync(this.config.FLEET_MQTT_URL, { clientId: `e2e-device-${options.group}`, protocolVersion: 5 });
  }

  /** Publishes like a device, QoS 1: resolves once the broker has the message. */
  async send(topic: string, payload: string | Uint8Array): Promise<void> {
    await this.device.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos: 1 });
  }

  async twin(vehicleId: string): Promise<any | undefined> {
    const reply = await this.nc.request(subjects.twinQuery(partitionOf(vehicleId, this.config.FLEET_PARTITIONS), vehicleId), undefined, { timeout: 2000 });
    const body = reply.json<{ ok: boolean; twin?: unknown }>();
    return body.ok ? body.twin : undefined;
  }

  /** The vehicle's twin once `ready` holds for it; fails after `timeoutMs`. */
  async twinWhen(vehicleId: string, ready: (twin: any) => boolean, timeoutMs: number): Promise<any> {
    return waitFor(async () => {
      const twin = await this.twin(vehicleId);
      return twin !== undefined && ready(twin) ? twin : undefined;
    }, timeoutMs);
  }

  /** Remembers where the dead-letter stream ends now; deadLetters() reads from there. */
  async markDeadLetters(): Promise<void> {
    this.deadLetterStart = (await this.jsm.streams.info(STREAM_DEAD_LETTER)).state.last_seq + 1;
  }

  /** Dead letters written since the last mark. */
  async deadLetters(expected: number, timeoutMs = 5000): Promise<JsMsg[]> {
    const js = jetstream(this.nc);
    const consumer = await js.consumers.get(STREAM_DEAD_LETTER, {
      filter_subjects: subjects.deadLetterAll,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.deadLetterStart,
    });
    const out: JsMsg[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < expected && Date.now() < deadline) {
      const batch = await consumer.fetch({ max_messages: expected + 10, expires: 1000 });
      for await (const m of batch) out.push(m);
    }
    // Anything past what was expected is a letter nobody sent: let the test see it.
    const extra = await consumer.fetch({ max_messages: 10, expires: 1000 });
    for await (const m of extra) out.push(m);
    return out;
  }

  async stop(): Promise<void> {
    await this.device?.endAsync();
    await this.ingress?.stop();
    await this.host?.stop();
    await this.nc?.drain();
  }
}

/**
 * One pipeline for a test file: started before its tests under the consumer group `group` + run,
 * stopped after them. `run` tags the ids the file makes, so a rerun never meets an earlier run's twins.
 */
export function pipelineForFile(group: string): { harness: PipelineHarness; run: string } {
  const run = randomBytes(3).toString('hex').toUpperCase();
  const harness = new PipelineHarness();
  beforeAll(async () => {
    await harness.start({ group: `${group}${run}` });
  });
  afterAll(async () => {
    await harness.stop();
  });
  return { harness, run };
}

/** A message a device sends and the reason the ingress must dead-letter it with. */
export type DeadLetterCase = readonly [topic: string, payload: string | Uint8Array, reason: string];

/**
 * Sends each message and expects each in the dead-letter stream and nothing more: its reason, its
 * topic, a detail for the operator and its raw bytes. In any order: the ingress's connections
 * dead-letter independently.
 */
export async function expectDeadLettered(harness: PipelineHarness, cases: readonly DeadLetterCase[]): Promise<void> {
  await harness.markDeadLetters();
  for (const [topic, payload] of cases) await harness.send(topic, payload);
  const letters = await harness.deadLetters(cases.length);
  for (const m of letters) expect(m.headers?.get(deadLetterHeaders.detail)).not.toBe('');
  const key = (topic: string | undefined, reason: string | undefined, payload: string | Uint8Array) =>
    `${reason} ${topic} ${Buffer.from(payload).toString('hex')}`;
  const got = letters.map((m) => key(m.headers?.get(deadLetterHeaders.topic), m.headers?.get(deadLetterHeaders.reason), m.data));
  const want = cases.map(([topic, payload, reason]) => key(topic, reason, payload));
  expect(got.sort()).toEqual(want.sort());
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

