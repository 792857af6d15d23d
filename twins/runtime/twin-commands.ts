import { z } from 'zod';
import { maintenanceStates } from '../machines/vehicle-twin';

/**
 * Commands a twin's owner applies on request (subject twin.cmd.<partition>.<vehicleId>), for the
 * state that does not come from telemetry. The reply is a TwinCommandReply.
 */
export const twinCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('maintenance'),
    state: z.enum(maintenanceStates),
    /** The work order (workflow id) behind the change; null when none. */
    workOrderId: z.string().min(1).max(200).nullable(),
  }),
]);
export type TwinCommand = z.infer<typeof twinCommandSchema>;

export type TwinCommandReply =
  | { ok: true; hostId: string; vehicleId: string; maintenance: { state: string; workOrderId: string | null; since: number | null } }
  | { ok: false; error: string };
