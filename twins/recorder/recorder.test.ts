import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { migrate } from '../../infra/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../../infra/db/scratch-database';
import { createLogger } from '../../infra/log/logger';
import { connectNats } from '../bus/connect';
import { deadLetterHeaders, STREAM_DEAD_LETTER, STREAM_EVENTS, STREAM_TELEMETRY, subjects } from '../bus/subjects';
import { encodeTelemetryBatch } from '../telemetry/batch';
import type { Telemetry } from '../telemetry/schema';
import { Recorder, type RecorderOptions } from './recorder';
import { EventWriter, TelemetryWriter } from './writers';
import { decodeEvent, decodeTelemetry } from './records';
import { ensureStreamsForTest } from './fixtures/test-streams';

const config = loadConfig();
const log = createLogger('recorder-test');
const encoder = new TextEncoder();
const run = randomBytes(3).toString('hex');
const ACK_WAIT_MS = 2_000;

let db: ScratchDatabase;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let removeStreams = async () => {};
const durables: Array<[string, string]> = [];
const purges: Array<[string, string]> = [];
const startedAt = new Date();

/** A vehicle id and consumer names of its own per test: nothing else on the server is read or touched. */
function scope(label: string): { events: string; telemetry: string; options: RecorderOptions } {
  const events = `rte-${run}-${label}`;
  const telemetry = `rtt-${run}-${label}`;
  const names = { events: `recorder-test-${run}-${label}-events`, telemetry: `recorder-test-${run}-${label}-telemetry` };
  durables.push([STREAM_EVENTS, names.events], [STREAM_TELEMETRY, names.telemetry]);
  // Telemetry under a subject of its own that no twin host reads (they read tel.<partition>).
  const filters = { events: `evt.*.${events}`, telemetry: `tel.${telemetry}` };
  purges.push([STREAM_EVENTS, filters.events], [STREAM_TELEMETRY, filters.telemetry]);
  return { events, telemetry, options: { batchSize: 200, ackWaitMs: ACK_WAIT_MS, durables: names, filters } };
}

function telemetryOf(vehicleId: string, i: number, extra: Partial<Telemetry> = {}): Telemetry {
  const deviceTime = Date.UTC(2030, 0, 1) + (i % 3) * 86_400_000 + i * 1000;
  return {
    v: 1, vehicleId, deviceId: `${vehicleId}-d${i % 4}`, deviceKind: 'gps', seq: i, deviceTime, receivedAt: deviceTime + 150,
    format: 'json', position: { lat: 43.73 + i * 1e-5, lon: 7.42, speedKph: 30 }, ...extra,
  };
}

async function publishEvents(vehicleId: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 1000) {
    const chunk = Array.from({ length: Math.min(1000, n - start) }, (_, k) => start + k);
    await Promise.all(
      chunk.map((i) => {
        const body = { id: `t${i}.0`, kind: 'motion', vehicleId, at: Date.UTC(2030, 0, 1) + i, from: 'parked', to: 'driving' };
        return js.publish(subjects.event('motion', vehicleId), encoder.encode(JSON.stringify(body)));
      }),
    );
  }
}

async function publishTelemetry(vehicleId: string, n: number): Promise<void> {
  // Batches of 1-7 readings, as the ingress stores them: a row each.
  const batches: Telemetry[][] = [];
  for (let i = 0; i < n; ) {
    const size = Math.min(n - i, 1 + (batches.length % 7));
    batches.push(Array.from({ length: size }, (_, k) => telemetryOf(vehicleId, i + k)));
    i += size;
  }
  for (let start = 0; start < batches.length; start += 1000) {
    await Promise.all(batches.slice(start, start + 1000).map((batch) => js.publish(`tel.${vehicleId}`, encodeTelemetryBatch(batch))));
  }
}

async function counts(eventsVehicle: string, telemetryVehicle: string): Promise<{ events: number; telemetry: number }> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM events WHERE vehicle_id = $1) AS events,
            (SELECT count(*)::int FROM telemetry_history WHERE vehicle_id = $2) AS telemetry`,
    [eventsVehicle, telemetryVehicle],
  );
  return rows[0];
}

async function settled(options: RecorderOptions): Promise<boolean> {
  const e = await jsm.consumers.info(STREAM_EVENTS, options.durables!.events);
  const t = await jsm.consumers.info(STREAM_TELEMETRY, options.durables!.telemetry);
  return e.num_pending + e.num_ack_pending + t.num_pending + t.num_ack_pending === 0;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Both tables hold exactly one row per published message. */
async function expectExactlyOnce(eventsVehicle: string, telemetryVehicle: string, n: number): Promise<void> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(DISTINCT stream_seq)::int FROM events WHERE vehicle_id = $1) AS event_seqs,
            (SELECT count(DISTINCT (device_id, seq))::int FROM telemetry_history WHERE vehicle_id = $2) AS readings`,
    [eventsVehicle, telemetryVehicle],
  );
  expect(await counts(eventsVehicle, telemetryVehicle)).toEqual({ events: n, telemetry: n });
  expect(rows[0]).toEqual({ event_seqs: n, readings: n });
}

beforeAll(async () => {
  db = await createScratchDatabase(config.FLEET_DATABASE_URL, 'recorder');
  await migrate(db.pool);
  nc = await connectNats(config.FLEET_NATS_URL, 'recorder-test');
  jsm = await jetstreamManager(nc);
  js = jetstream(nc);
  removeStreams = await ensureStreamsForTest(nc);
});

afterAll(async () => {
  if (jsm) {
    for (const [stream, durable] of durables) await jsm.consumers.delete(stream, durable).catch(() => {});
    for (const [stream, filter] of purges) await jsm.streams.purge(stream, { filter }).catch(() => {});
    await deleteOurDeadLetters().catch(() => {});
    await removeStreams();
  }
  await nc?.close();
  await db?.drop();
});

/** Dead letters this run produced: found by the run id in their detail header. */
async function ourDeadLetters(): Promise<Array<{ seq: number; reason: string; detail: string; body: string }>> {
  const found: Array<{ seq: number; reason: string; detail: string; body: string }> = [];
  const consumer = await js.consumers.get(STREAM_DEAD_LETTER, {
    filter_subjects: subjects.deadLetter('recorder', '*'),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: startedAt.toISOString(),
  });
  for (;;) {
    let got = 0;
    for await (const m of await consumer.fetch({ max_messages: 500, expires: 1000 })) {
      got++;
      const detail = m.headers?.get(deadLetterHeaders.detail) ?? '';
      if (detail.includes(run)) found.push({ seq: m.seq, reason: m.headers?.get(deadLetterHeaders.reason) ?? '', detail, body: m.string() });
    }
    if (got === 0) break;
  }
  return found;
}

async function deleteOurDeadLetters(): Promise<void> {
  for (const letter of await ourDeadLetters()) await jsm.streams.deleteMessage(STREAM_DEAD_LETTER, letter.seq, false);
}

describe('recorder', () => {
  it('writes N events and N readings exactly once although a written batch is redelivered (nak) and another never acked', async () => {
    const n = 1000;
    const { events, telemetry, options } = scope('redeliver');
    await publishEvents(events, n);
    await publishTelemetry(telemetry, n);

    // A first reader writes a batch of each stream and then fails to ack: the events batch is
    // naked (redelivered at once), the telemetry batch is left to time out (a crash after commit).
    for (const [stream, durable, filter] of [
      [STREAM_EVENTS, options.durables!.events, options.filters!.events],
      [STREAM_TELEMETRY, options.durables!.telemetry, options.filters!.telemetry],
    ] as const) {
      await jsm.consumers.add(stream, {
        durable_name: durable, filter_subject: filter, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(ACK_WAIT_MS),
      });
    }
    const streamCreatedAt = new Date((await jsm.streams.info(STREAM_EVENTS)).created);
    const eventBatch = [];
    for await (const m of await (await js.consumers.get(STREAM_EVENTS, options.durables!.events)).fetch({ max_messages: 300, expires: 2000 })) eventBatch.push(m);
    const eventRows = eventBatch.flatMap((m) => decodeEvent({ subject: m.subject, streamSeq: m.seq, body: m.string() })).flatMap((d) => (d.ok ? [d.row] : []));
    expect(await new EventWriter(db.pool).write(eventRows, { streamCreatedAt })).toBe(300);
    for (const m of eventBatch) m.nak();

    const telemetryBatch = [];
    for await (const m of await (await js.consumers.get(STREAM_TELEMETRY, options.durables!.telemetry)).fetch({ max_messages: 100, expires: 2000 })) telemetryBatch.push(m);
    const telemetryRows = telemetryBatch.flatMap((m) => decodeTelemetry({ subject: m.subject, streamSeq: m.seq, body: m.string() })).flatMap((d) => (d.ok ? [d.row] : []));
    expect(telemetryRows.length).toBeGreaterThan(100); // batches of several readings
    expect(await new TelemetryWriter(db.pool).write(telemetryRows)).toBe(telemetryRows.length);

    const recorder = await Recorder.create(nc, db.pool, options, log);
    await recorder.start();
    try {
      await until('everything recorded and acked', async () => (await settled(options)) && (await counts(events, telemetry)).telemetry === n);
    } finally {
      await recorder.stop();
    }
    await expectExactlyOnce(events, telemetry, n);
    expect(recorder.stats.events.redelivered).toBeGreaterThanOrEqual(300);
    expect(recorder.stats.events.duplicates).toBeGreaterThanOrEqual(300);
    expect(recorder.stats.telemetry.redelivered).toBeGreaterThanOrEqual(100);
    expect(recorder.stats.telemetry.duplicates).toBeGreaterThanOrEqual(telemetryRows.length);
    expect(recorder.stats.events.written + recorder.stats.telemetry.written).toBe(2 * n - 300 - telemetryRows.length);
  });

  it('a recorder process killed (SIGKILL) while recording and then restarted leaves every message recorded exactly once', async () => {
    const n = 20_000;
    const { events, telemetry, options } = scope('kill');
    await publishEvents(events, n);
    await publishTelemetry(telemetry, n);

    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/run-recorder.ts', import.meta.url))], {
      env: { ...process.env, FLEET_DATABASE_URL: db.url, FLEET_LOG_LEVEL: 'warn', FLEET_TEST_RECORDER: JSON.stringify({ ...options, batchSize: 100 }) },
      stdio: 'inherit',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until('the child to record something', async () => (await counts(events, telemetry)).telemetry > 0);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const atKill = await counts(events, telemetry);
    log.info({ atKill, of: n }, 'recorder process killed');

    const recorder = await Recorder.create(nc, db.pool, options, log);
    await recorder.start();
    try {
      await until('the rest recorded and acked', async () => (await settled(options)) && (await counts(events, telemetry)).events === n, 60_000);
    } finally {
      await recorder.stop();
    }
    await expectExactlyOnce(events, telemetry, n);
  }, 120_000);

  it('keeps up at thousands of messages per second', async () => {
    const n = 20_000;
    const { events, telemetry, options } = scope('rate');
    await publishEvents(events, n);
    await publishTelemetry(telemetry, n);
    const recorder = await Recorder.create(nc, db.pool, { ...options, batchSize: 1000 }, log);
    const started = performance.now();
    await recorder.start();
    try {
      await until('the backlog recorded', async () => {
        const c = await counts(events, telemetry);
        return c.events === n && c.telemetry === n;
      }, 60_000);
    } finally {
      await recorder.stop();
    }
    const perSecond = Math.round((2 * n) / ((performance.now() - started) / 1000));
    log.info({ messages: 2 * n, perSecond }, 'recorder throughput');
    expect(perSecond).toBeGreaterThan(3_000);
  }, 120_000);

  it('a recorder stopped while messages keep arriving leaves none of them in a pull it gave up: the next one sees nothing redelivered', async () => {
    const { events, telemetry, options } = scope('stop');
    const first = await Recorder.create(nc, db.pool, options, log);
    await first.start();
    let published = 0;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        const body = { id: `s${published}.0`, kind: 'motion', vehicleId: events, at: Date.UTC(2030, 0, 1) + published, from: 'parked', to: 'driving' };
        await js.publish(subjects.event('motion', events), encoder.encode(JSON.stringify(body)));
        published++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    let second: Recorder | undefined;
    try {
      await until('the first recorder to record something', async () => (await counts(events, telemetry)).events > 0);
      await first.stop();
      // The stream goes on after the stop, while the server may still hold the stopped recorder's pull.
      await new Promise((r) => setTimeout(r, 1_500));
      publishing = false;
      await publisher;
      second = await Recorder.create(nc, db.pool, options, log);
      await second.start();
      await until('everything recorded', async () => (await settled(options)) && (await counts(events, telemetry)).events === published);
      // A message the stopped recorder's pull took in after the stop would only come back now.
      await new Promise((r) => setTimeout(r, ACK_WAIT_MS + 1_000));
    } finally {
      publishing = false;
      await publisher;
      await first.stop();
      await second?.stop();
    }
    expect(second.stats.events.redelivered).toBe(0);
    expect(first.stats.events.received + second.stats.events.received).toBe(published);
    expect((await counts(events, telemetry)).events).toBe(published);
  }, 60_000);

  it('messages that cannot be stored go to the dead-letter stream with their reason and do not hold up the rest', async () => {
    const { events, telemetry, options } = scope('bad');
    const telemetrySubject = options.filters!.telemetry;
    const publish = (subject: string, body: unknown) => js.publish(subject, encoder.encode(typeof body === 'string' ? body : JSON.stringify(body)));
    await publish(subjects.event('motion', events), '{"kind": "motion", "vehicleId": ');
    await publish(subjects.event('motion', events), { kind: 'motion', vehicleId: events });
    await publish(subjects.event('health', events), { kind: 'motion', vehicleId: events, at: 1 });
    await publish(subjects.event('motion', events), { id: 'ok.0', kind: 'motion', vehicleId: events, at: 2 });
    // Valid JSON and valid telemetry, but PostgreSQL's jsonb cannot hold a NUL character: its
    // batch's other reading is stored, and it alone is dead-lettered.
    await publish(telemetrySubject, [telemetryOf(telemetry, 1, { attributes: { note: 'nul\u0000here' } }), telemetryOf(telemetry, 3)]);
    await publish(telemetrySubject, [{ ...telemetryOf(telemetry, 2), speedKph: 'fast', seq: -1 }]);
    await publish(telemetrySubject, 'tel 5');
    // A reading from 2031 needs a partition nobody created ahead.
    await publish(telemetrySubject, telemetryOf(telemetry, 4, { deviceTime: Date.UTC(2031, 5, 1) }));

    const recorder = await Recorder.create(nc, db.pool, options, log);
    await recorder.start();
    try {
      await until('everything acked', async () => (await settled(options)) && (await counts(events, telemetry)).telemetry === 2);
    } finally {
      await recorder.stop();
    }
    expect(await counts(events, telemetry)).toEqual({ events: 1, telemetry: 2 });
    const letters = await ourDeadLetters();
    expect(letters.map((l) => l.reason).sort()).toEqual(['invalid_event', 'invalid_telemetry', 'not_json', 'not_json', 'subject_mismatch', 'unstorable']);
    expect(letters.find((l) => l.reason === 'invalid_event')?.detail).toMatch(/at: /);
    expect(letters.find((l) => l.reason === 'unstorable')?.body).toContain('nul');
    expect(recorder.stats.events.deadLettered + recorder.stats.telemetry.deadLettered).toBe(6);
  });
});
