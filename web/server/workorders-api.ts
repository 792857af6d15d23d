import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { TemporalConfig } from '../../temporal.config';
import { idSchema } from '../../twins/telemetry/schema';
import { approveWorkOrder, completeWorkOrder, listOpenWorkOrders, rejectWorkOrder, workOrderStatus, WorkOrderStateError } from '../../workflows/maintenance/client';
import { workOrderOutcomes, type OpenWorkOrder, type WorkOrderPhase, type WorkOrderStatus } from '../../workflows/maintenance/types';
import { jsonResponse } from './api';
import { answering, parseJsonBody, parseQuery, parseValue } from './temporal-api';

/** The work-order queue's API: GET /api/workorders, GET and POST /api/workorders/[workOrderId]. */

const openPhases = ['awaiting_approval', 'scheduling', 'scheduled', 'in_service'] as const satisfies readonly WorkOrderPhase[];

/** wo-<vehicleId>-<component>, as the starter names orders. */
export const workOrderIdSchema = z.string().regex(/^wo-[A-Za-z0-9_-]{1,64}-[a-z0-9_]{1,40}$/, 'not a work order id (wo-<vehicleId>-<component>)');

const text = (what: string) => z.string().trim().min(1, `${what} is empty`).max(500, `${what} is longer than 500 characters`);

export const workOrderActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), by: text('by'), note: text('note').optional() }).strict(),
  z.object({ action: z.literal('reject'), by: text('by'), reason: text('reason') }).strict(),
  z.object({ action: z.literal('complete'), outcome: z.enum(workOrderOutcomes), technician: text('technician'), notes: text('notes').optional() }).strict(),
]);
export type WorkOrderAction = z.input<typeof workOrderActionSchema>;

const listQuerySchema = z
  .object({
    phase: z.enum(openPhases).optional(),
    vehicle: idSchema.optional(),
    escalated: z.enum(['true', 'false']).optional(),
  })
  .strict();

// The client says "no work order <id>" with the same error class as a refused state change.
const isMissingOrder = (err: unknown) => err instanceof WorkOrderStateError && err.message.startsWith('no work order');

export interface WorkOrderList {
  orders: OpenWorkOrder[];
}

/** GET /api/workorders?phase=&vehicle=&escalated= : the open orders, most urgent first. */
export function listWorkOrdersResponse(client: () => Promise<Client>, temporal: TemporalConfig, url: URL): Promise<Response> {
  return answering(async () => {
    const query = parseQuery(listQuerySchema, url);
    const orders = await listOpenWorkOrders(await client(), temporal, {
      ...(query.phase ? { phase: query.phase } : {}),
      ...(query.vehicle ? { vehicleId: query.vehicle } : {}),
      ...(query.escalated ? { escalated: query.escalated === 'true' } : {}),
    });
    return jsonResponse({ orders } satisfies WorkOrderList);
  });
}

/** GET /api/workorders/[workOrderId]: the order's full status from its workflow. */
export function workOrderStatusResponse(client: () => Promise<Client>, rawId: string): Promise<Response> {
  return answering(
    async () => {
      const id = parseValue(workOrderIdSchema, rawId, 'work order id');
      return jsonResponse((await workOrderStatus(await client(), id)) satisfies WorkOrderStatus);
    },
    { notFound: isMissingOrder },
  );
}

/** POST /api/workorders/[workOrderId] {action: approve|reject|complete, ...}: answers the order's status after the signal. */
export function workOrderActionResponse(client: () => Promise<Client>, rawId: string, request: Request): Promise<Response> {
  return answering(
    async () => {
      const id = parseValue(workOrderIdSchema, rawId, 'work order id');
      const action = await parseJsonBody(request, workOrderActionSchema);
      const temporal = await client();
      switch (action.action) {
        case 'approve':
          await approveWorkOrder(temporal, id, { by: action.by, ...(action.note ? { note: action.note } : {}) });
          break;
        case 'reject':
          await rejectWorkOrder(temporal, id, { by: action.by, reason: action.reason });
          break;
        case 'complete':
          await completeWorkOrder(temporal, id, { outcome: action.outcome, technician: action.technician, ...(action.notes ? { notes: action.notes } : {}) });
          break;
      }
      return jsonResponse({ workOrderId: id, action: action.action, status: await workOrderStatus(temporal, id) });
    },
    { notFound: isMissingOrder, conflict: (err) => err instanceof WorkOrderStateError },
  );
}
