import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { loadTemporalConfig } from '../../temporal.config';
import { startTestTemporal } from '../../workflows/testing/temporal-env';
import type { WhatIfStatus } from '../../workflows/whatif/client';
import { whatIfWorker } from '../../workflows/whatif/worker';
import { sharedWorkerOptions } from '../../workflows/worker';
import { TemporalLink } from './temporal-link';
import { cancelWhatIfResponse, listScenarioFiles, scenarioDir, startWhatIfResponse, whatIfStatusResponse } from './whatif-api';

/**
 * The planners' API end to end: scenario files listed, bad requests refused with the field, and a
 * small base-against-changes run started as a workflow that a real worker runs to a comparison.
 */
const run = Math.random().toString(36).slice(2, 8);
const temporal = loadTemporalConfig(loadConfig({ ...process.env, FLEET_TEMPORAL_TASK_QUEUE_PREFIX: `whatif-api-${run}` }));
const link = new TemporalLink(temporal);
const client = () => link.client();
const dir = mkdtempSync(join(tmpdir(), 'fleettwin-whatif-api-'));
const shipped = scenarioDir(fileURLToPath(new URL('../..', import.meta.url)));
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  // A day of three vans: the same engine and files as a planner's month, in a few seconds.
  writeFileSync(join(dir, 'tiny.yaml'), [`extends: ${join(shipped, 'base.yaml')}`, 'name: tiny', 'horizonDays: 1', 'seeds: 2', 'depots:', '  - { name: north, vehicles: 3, workshopBays: 1 }', ''].join('\n'));
  writeFileSync(join(dir, 'broken.yaml'), 'name: broken\nhorizonDays: -3\n');
  env = await startTestTemporal();
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueues.whatif,
    workflowsPath: whatIfWorker.workflowsPath,
    activities: whatIfWorker.createActivities({} as never),
    ...sharedWorkerOptions,
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await link.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown) => new Request('http://web/api/whatif', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function answer(response: Promise<Response>): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as { error?: string } };
}

describe('what-if API', () => {
  it('lists the shipped scenario files, and names a file that does not load instead of hiding it', () => {
    const names = listScenarioFiles(shipped).scenarios.map((s) => s.file);
    expect(names).toEqual(expect.arrayContaining(['baseline.yaml', 'harsh-winter.yaml', 'predictive-maintenance.yaml']));
    const here = listScenarioFiles(dir);
    expect(here.scenarios.map((s) => s.file)).toEqual(['tiny.yaml']);
    expect(here.problems.join('\n')).toMatch(/broken\.yaml/);
  });

  it('refuses an unknown file, a change the schema rejects, one seed and a clash of names with 400 and the reason', async () => {
    const unknown = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'nope.yaml', variants: [{ file: 'tiny.yaml' }] })));
    expect(unknown).toMatchObject({ status: 400, body: { error: expect.stringMatching(/no scenario file nope\.yaml/) } });
    const bad = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [{ name: 'x', changes: { maintenance: { policy: 'whenever' } } }] })));
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringMatching(/maintenance\.policy/) } });
    const oneSeed = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [{ file: 'tiny.yaml' }], seeds: 1 })));
    expect(oneSeed).toMatchObject({ status: 400, body: { error: expect.stringMatching(/seeds/) } });
    const clash = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [{ name: 'tiny', changes: {} }] })));
    expect(clash).toMatchObject({ status: 400, body: { error: expect.stringMatching(/two scenarios are named "tiny"/) } });
    const longHorizon = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [{ file: 'tiny.yaml' }], horizonDays: 9999 })));
    expect(longHorizon).toMatchObject({ status: 400, body: { error: expect.stringMatching(/horizonDays/) } });
    expect((await answer(whatIfStatusResponse(client, '../../etc'))).status).toBe(400);
  });

  it('runs the base against its changed copy as a workflow and answers the comparison with intervals', { timeout: 180_000 }, async () => {
    const started = await answer(
      startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [{ name: 'predictive', changes: { maintenance: { policy: 'predictive' } } }], horizonDays: 1 })),
    );
    expect(started.status).toBe(201);
    expect(started.body.scenarios).toEqual(['tiny', 'predictive']);
    const id = started.body.workflowId as string;
    let status: WhatIfStatus;
    for (;;) {
      const polled = await answer(whatIfStatusResponse(client, id));
      expect(polled.status).toBe(200);
      status = polled.body as unknown as WhatIfStatus;
      if (status.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status.error).toBeNull();
    const result = status.result!;
    expect(result.scenarios.map((s) => [s.name, s.seeds.length])).toEqual([['tiny', 2], ['predictive', 2]]);
    expect(result.scenarios[0]!.kpis.uptimePct).toMatchObject({ n: 2, mean: expect.any(Number), halfWidth: expect.any(Number) });
    expect(result.differences[0]).toMatchObject({ name: 'predictive', baseline: 'tiny', paired: true });

    // The same comparison as a spreadsheet: a row per KPI and scenario, the change on the variant's.
    const csv = await whatIfStatusResponse(client, id, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`${id}.csv`);
    const lines = (await csv.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 2 * Object.keys(result.scenarios[0]!.kpis).length);
    expect(lines.find((l) => l.startsWith('uptimePct,') && l.includes(',predictive,'))).toMatch(/,tiny,[^,]*,[^,]*,[^,]*,(true|false)$/);
    expect((await answer(whatIfStatusResponse(client, id, 'xml'))).status).toBe(400);
  });

  it('a run cancelled while it runs stops its seed processes and ends CANCELLED; cancelling it again is refused', { timeout: 180_000 }, async () => {
    // A month of 200 vans against the tiny base: minutes of work, so it is surely running when cancelled.
    const big = { name: 'big', changes: { depots: [{ name: 'north', vehicles: 200, workshopBays: 4 }] } };
    const started = await answer(startWhatIfResponse(client, temporal, dir, post({ base: 'tiny.yaml', variants: [big], horizonDays: 30 })));
    expect(started.status).toBe(201);
    const id = started.body.workflowId as string;
    const poll = async () => (await answer(whatIfStatusResponse(client, id))).body as unknown as WhatIfStatus;
    // Running, with progress heartbeated and 1 % done (weighed by van-days: the tiny base's seeds
    // count for little) so the time left is estimated: the seed processes are at work.
    let running = await poll();
    while (running.status !== 'RUNNING' || running.secondsLeft === null) {
      await new Promise((r) => setTimeout(r, 250));
      running = await poll();
    }
    expect(running.progress!.fraction).toBeLessThan(0.5);
    expect(running.secondsLeft).toBeGreaterThan(0);
    expect(seedProcesses()).not.toEqual([]);
    expect((await answer(whatIfStatusResponse(client, id, 'csv'))).status).toBe(409);

    const cancelled = await answer(cancelWhatIfResponse(client, id));
    expect(cancelled).toMatchObject({ status: 202, body: { workflowId: id, cancelling: true } });
    let status = await poll();
    const deadline = Date.now() + 30_000;
    while (status.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = await poll();
    }
    expect(status.status).toBe('CANCELLED');
    // The workflow waited for the activity to stop them: none is left burning a core.
    expect(seedProcesses()).toEqual([]);
    expect((await answer(cancelWhatIfResponse(client, id))).status).toBe(409);
    expect((await answer(cancelWhatIfResponse(client, 'whatif-nosuchrun'))).status).toBe(404);
  });
});

/** This process's what-if seed processes still alive (pids). */
function seedProcesses(): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'seed-process'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
