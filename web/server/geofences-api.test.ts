import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config/env';
import { connectNats } from '../../twins/bus/connect';
import { deleteGeofenceResponse, listGeofencesResponse, putGeofenceResponse } from './geofences-api';

/** The geofences API against the test run's NATS: what it stores is what the twin hosts follow. */
const id = `depot-${randomBytes(3).toString('hex')}`;
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats(loadConfig().FLEET_NATS_URL, 'geofences-api-test');
});
afterAll(async () => {
  await deleteGeofenceResponse(nc, id);
  await nc.close();
});

const put = (body: unknown, type = 'application/json') =>
  new Request(`http://web/api/geofences/${id}`, { method: 'PUT', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
async function answer(response: Promise<Response>): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as { error?: string } };
}
const square = [[7.42, 43.73], [7.43, 43.73], [7.43, 43.74], [7.42, 43.74]];

describe('geofences API', () => {
  it('a fence put is listed as stored (ring closed), replaced by the next put, and deleted once', async () => {
    const stored = await answer(putGeofenceResponse(nc, id, put({ name: 'Depot', rule: 'watch', polygon: square })));
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id, name: 'Depot', rule: 'watch' });
    expect(stored.body.polygon).toHaveLength(5);
    expect((await answer(putGeofenceResponse(nc, id, put({ name: 'Depot', rule: 'keep_in', polygon: square })))).status).toBe(200);
    const listed = await answer(listGeofencesResponse(nc));
    expect((listed.body.geofences as Array<{ id: string; rule: string }>).filter((f) => f.id === id)).toEqual([expect.objectContaining({ rule: 'keep_in' })]);
    expect((await answer(deleteGeofenceResponse(nc, id))).status).toBe(200);
    const again = await answer(deleteGeofenceResponse(nc, id));
    expect(again.status).toBe(404);
    expect(again.body.error).toBe(`no geofence ${id}`);
  });

  it.each([
    ['a body that is not JSON', '{"name":', 'application/json', 400, /not valid JSON/],
    ['a body sent as text', 'name=x', 'text/plain', 415, /as JSON/],
    ['a polygon of two points', { name: 'x', rule: 'watch', polygon: square.slice(0, 2) }, 'application/json', 400, /body.polygon: polygon: at least 3 points/],
    ['a latitude out of range', { name: 'x', rule: 'watch', polygon: [[7.42, 95], ...square.slice(1)] }, 'application/json', 400, /body.polygon/],
    ['an unknown rule', { name: 'x', rule: 'forbid', polygon: square }, 'application/json', 400, /body.rule/],
    ['an id in the body that is not the path', { id: 'other', name: 'x', rule: 'watch', polygon: square }, 'application/json', 400, /not the id in the path/],
  ])('refuses %s, naming what is wrong', async (_what, body, type, status, message) => {
    const r = await answer(putGeofenceResponse(nc, id, put(body, type)));
    expect(r.status).toBe(status);
    expect(r.body.error).toMatch(message);
  });

  it('refuses a bad id in the path with 400, and answers 503 without NATS', async () => {
    const bad = await answer(deleteGeofenceResponse(nc, 'Not An Id'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/geofence id "Not An Id"/);
    expect((await answer(listGeofencesResponse(null))).status).toBe(503);
  });
});
