import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemporalConfig } from '../../temporal.config';
import { TemporalLink } from './temporal-link';
import { listWorkOrdersResponse, workOrderActionResponse, workOrderStatusResponse } from './workorders-api';

/**
 * The work-order API's answers to bad input and to orders that do not exist, against the test
 * run's Temporal (the browser test drives real orders through it).
 */
const temporal = loadTemporalConfig();
const link = new TemporalLink(temporal);
const client = () => link.client();

afterAll(() => link.close());

const post = (body: unknown, type = 'application/json') =>
  new Request('http://web/api/workorders/x', { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function answer(response: Promise<Response>): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as { error?: string } };
}

beforeAll(async () => {
  await client(); // connected once, so each test measures only its request
});

describe('work-order API', () => {
  it('lists open orders, and refuses an unknown phase or a bad vehicle id with 400', async () => {
    const ok = await answer(listWorkOrdersResponse(client, temporal, new URL('http://web/api/workorders?phase=scheduled')));
    expect(ok.status).toBe(200);
    expect(Array.isArray(ok.body.orders)).toBe(true);
    const phase = await answer(listWorkOrdersResponse(client, temporal, new URL('http://web/api/workorders?phase=sleeping')));
    expect(phase.status).toBe(400);
    expect(phase.body.error).toMatch(/phase/);
    const extra = await answer(listWorkOrdersResponse(client, temporal, new URL('http://web/api/workorders?colour=red')));
    expect(extra.status).toBe(400);
    expect(extra.body.error).toMatch(/colour/);
  });

  it('answers 404 for an order that does not exist, and 400 for a malformed id', async () => {
    const missing = await answer(workOrderStatusResponse(client, 'wo-NOPE1-cooling'));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no work order wo-NOPE1-cooling/);
    const malformed = await answer(workOrderStatusResponse(client, 'drop table'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/work order id/);
    const action = await answer(workOrderActionResponse(client, 'wo-NOPE1-cooling', post({ action: 'approve', by: 'ana' })));
    expect(action.status).toBe(404);
  });

  it('refuses an action body that is not JSON, not an action, or misses a field, with 4xx naming the problem', async () => {
    const id = 'wo-NOPE1-cooling';
    expect((await answer(workOrderActionResponse(client, id, post('approve', 'text/plain')))).status).toBe(415);
    const broken = await answer(workOrderActionResponse(client, id, post('{"action":')));
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/not valid JSON/);
    const unknown = await answer(workOrderActionResponse(client, id, post({ action: 'explode' })));
    expect(unknown.status).toBe(400);
    const outcome = await answer(workOrderActionResponse(client, id, post({ action: 'complete', outcome: 'sort of', technician: 'T1' })));
    expect(outcome.status).toBe(400);
    expect(outcome.body.error).toMatch(/body\.outcome/);
    const noReason = await answer(workOrderActionResponse(client, id, post({ action: 'reject', by: 'ana', reason: '  ' })));
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatch(/reason is empty/);
  });

  it('answers 503 with the address when Temporal cannot be reached', async () => {
    const down = new TemporalLink({ ...temporal, address: '127.0.0.1:1' });
    const r = await answer(listWorkOrdersResponse(() => down.client(), temporal, new URL('http://web/api/workorders')));
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/127\.0\.0\.1:1/);
  });
});

