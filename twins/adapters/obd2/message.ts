import { z } from 'zod';
import { envelopeFields } from '../json-envelope';

/** A VIN as ISO 3779 writes it: 17 characters, never I, O or Q. */
export const vinSchema = z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, 'a VIN is 17 characters of A-Z 0-9 without I, O, Q');

/**
 * The obd2 wire format (docs/device-format.md, "OBD-II"): what an OBD-II dongle read from the ECUs in one
 * polling round, each response as the hex bytes the ECU sent (service byte first, no CAN header
 * or padding). Strict, like the reference format: a misspelt field is an error.
 */
export const obd2MessageSchema = z
  .object({
    ...envelopeFields,
    responses: z.array(z.string().max(1024)).min(1).max(256),
    vin: vinSchema.optional(),
  })
  .strict();
export type Obd2Message = z.infer<typeof obd2MessageSchema>;
