import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config/env';
import { connectNats } from '../../twins/bus/connect';
import { collectHealth } from './collect-health';
import type { FleetStatus } from './fleet-status';
import { formatFleetStatus } from './print-status';
import { HEALTH_SUBJECT, serveHealth } from './serve-health';

let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'health-test');
});

afterAll(async () => {
  await nc.drain();
});

describe('health request/reply', () => {
  test('every process answers with its part, id and stats; one whose stats fail still answers, with the error; junk replies are ignored', async () => {
    let handled = 0;
    const ingress = serveHealth(nc, { part: 'ingress', id: 'a', stats: () => ({ handled: ++handled }) });
    const broken = serveHealth(nc, {
      part: 'recorder',
      id: 'b',
      stats: () => {
        throw new Error('pool closed');
      },
    });
    const junk = nc.subscribe(HEALTH_SUBJECT, {
      callback: (_err, msg) => {
        msg.respond('not json');
      },
    });
    try {
      const replies = await collectHealth(nc, 500);
      const ours = replies.filter((r) => (r.part === 'ingress' && r.id === 'a') || (r.part === 'recorder' && r.id === 'b'));
      expect(ours.map((r) => [r.part, r.id, r.pid, r.stats, r.error])).toEqual([
        ['ingress', 'a', process.pid, { handled: 1 }, undefined],
        ['recorder', 'b', process.pid, {}, 'pool closed'],
      ]);
      expect(ours[0]!.uptimeMs).toBeGreaterThanOrEqual(0);
    } finally {
      ingress.stop();
      broken.stop();
      junk.unsubscribe();
    }
  });

  test('a stopped process no longer answers', async () => {
    const health = serveHealth(nc, { part: 'twin-host', id: 'gone', stats: () => ({}) });
    health.stop();
    const replies = await collectHealth(nc, 300);
    expect(replies.some((r) => r.id === 'gone')).toBe(false);
  });
});

describe('fleet status table', () => {
  const status: FleetStatus = {
    healthy: false,
    servers: [
      { server: 'NATS', address: 'nats://127.0.0.1:4222', reachable: true, healthy: true, version: '2.9.10', jetstream: true },
      { server: 'Temporal', address: '127.0.0.1:7233', reachable: false, healthy: false, problem: 'nothing answers' },
    ],
    parts: [
      { part: 'ingress', required: true, healthy: true, instances: [{ part: 'ingress', id: 'i1', host: 'box', pid: 7, startedAt: 0, uptimeMs: 125_000, stats: { received: 10, deadLettered: {} } }] },
      { part: 'twin-host', required: true, healthy: false, instances: [] },
      { part: 'sim', required: false, healthy: true, instances: [] },
    ],
    web: { url: 'http://127.0.0.1:3000', healthy: true, httpStatus: 200, body: { ok: true } },
    temporal: { namespace: 'default', namespaceReachable: false, taskQueues: [], healthy: false, problem: 'Temporal unreachable: nothing answers' },
  };

  test('a missing required part and an unreachable server are shown in their rows and named in the verdict', () => {
    const text = formatFleetStatus(status);
    expect(text).toMatch(/^ {2}Temporal +127\.0\.0\.1:7233 +NO +- +- +nothing answers$/m);
    expect(text).toMatch(/^ {2}ingress +1 +i1@box +2m05s +received=10 deadLettered=\{\}$/m);
    expect(text).toMatch(/^ {2}twin-host +0 +MISSING$/m);
    expect(text).toMatch(/^ {2}sim +0 +\(optional, not running\)$/m);
    expect(text.split('\n').at(-1)).toBe('NOT healthy: Temporal unreachable; no twin-host running');
  });
});
