import { z } from 'zod';
import { envelopeFields } from '../json-envelope';
import { MAX_MESSAGE_BYTES } from './can-frame';

/**
 * The j1939 wire format (docs/device-format.md, "J1939"): the CAN frames a vehicle-bus logger
 * (an FMS gateway, a CAN dongle) captured since its last message, in the order it received them,
 * each in candump's compact text form `<29-bit id in 8 hex digits>#<data hex>`. Strict: a
 * misspelt field is an error.
 */
export const j1939MessageSchema = z
  .object({
    ...envelopeFields,
    frames: z.array(z.string().max(9 + 2 * MAX_MESSAGE_BYTES + 64)).min(1).max(4096),
  })
  .strict();
export type J1939Message = z.infer<typeof j1939MessageSchema>;
