import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { geofenceIdSchema, geofenceSchema, type Geofence } from '../../twins/geofences/geofence';
import { GeofenceStore } from '../../twins/geofences/geofence-store';
import { errorResponse, jsonResponse } from './api';
import { BadRequest, describeIssues, parseJsonBody, parseValue } from './temporal-api';

/**
 * The geofences' API: GET /api/geofences, PUT and DELETE /api/geofences/[id]. The fences live in
 * their KV bucket; every twin host follows it, so a fence put here is enforced within a moment.
 */

export interface GeofenceList {
  geofences: Geofence[];
}

const stores = new WeakMap<NatsConnection, Promise<GeofenceStore>>();
function storeOf(nc: NatsConnection): Promise<GeofenceStore> {
  let store = stores.get(nc);
  if (!store) {
    store = GeofenceStore.open(nc);
    stores.set(nc, store);
    store.catch(() => stores.delete(nc));
  }
  return store;
}

async function answering(nc: NatsConnection | null, work: (store: GeofenceStore) => Promise<Response>): Promise<Response> {
  if (!nc) return errorResponse(503, 'the web server cannot reach NATS right now; it keeps retrying');
  try {
    return await work(await storeOf(nc));
  } catch (err) {
    if (err instanceof BadRequest) return errorResponse(err.status, err.message);
    return errorResponse(502, `NATS refused the request: ${(err as Error).message}`);
  }
}

/** GET /api/geofences: every fence in force, by id. */
export function listGeofencesResponse(nc: NatsConnection | null): Promise<Response> {
  return answering(nc, async (store) => jsonResponse({ geofences: await store.list() } satisfies GeofenceList));
}

/** PUT /api/geofences/[id] {name, rule, polygon}: creates or replaces the fence; answers it as stored. */
export function putGeofenceResponse(nc: NatsConnection | null, rawId: string, request: Request): Promise<Response> {
  return answering(nc, async (store) => {
    const id = parseValue(geofenceIdSchema, rawId, 'geofence id');
    const body = await parseJsonBody(request, z.record(z.string(), z.unknown()));
    if (body.id !== undefined && body.id !== id) throw new BadRequest(400, `body.id ${JSON.stringify(body.id)} is not the id in the path (${id})`);
    const parsed = geofenceSchema.safeParse({ ...body, id });
    if (!parsed.success) {
      throw new BadRequest(400, describeIssues(parsed.error, 'body'));
    }
    await store.put(parsed.data);
    return jsonResponse(parsed.data);
  });
}

/** DELETE /api/geofences/[id]: 404 when there is no such fence. */
export function deleteGeofenceResponse(nc: NatsConnection | null, rawId: string): Promise<Response> {
  return answering(nc, async (store) => {
    const id = parseValue(geofenceIdSchema, rawId, 'geofence id');
    if (!(await store.remove(id))) return errorResponse(404, `no geofence ${id}`);
    return jsonResponse({ deleted: id });
  });
}
