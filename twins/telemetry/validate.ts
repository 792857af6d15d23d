import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { telemetrySchema, type Telemetry } from './schema';

/**
 * zod stays the one definition of every message shape, but checking each message with it cost
 * about a fifth of the ingress's and the twin hosts' CPU under load. A validator compiled from
 * zod's own JSON Schema answers the common case, a valid message, at a fraction of that; whatever
 * it refuses goes through zod, which strips unknown keys or says precisely what is wrong. The
 * options make it refuse no less than zod (NaN and Infinity fail, patterns read as zod reads
 * them). Only for schemas JSON Schema can express in full: no refinements or transforms.
 */
const ajv = new Ajv2020({ strictNumbers: true, unicodeRegExp: false });
const parsers = new WeakMap<z.ZodType, (value: unknown) => z.ZodSafeParseResult<unknown>>();

/** `schema.safeParse`, fast when the value already fits (then `data` is the value itself). */
export function fastParser<T>(schema: z.ZodType<T>): (value: unknown) => z.ZodSafeParseResult<T> {
  let parse = parsers.get(schema);
  if (!parse) {
    const fits = ajv.compile(z.toJSONSchema(schema, { io: 'output' }));
    parse = (value) => (fits(value) ? { success: true, data: value } : schema.safeParse(value));
    parsers.set(schema, parse);
  }
  return parse as (value: unknown) => z.ZodSafeParseResult<T>;
}

export const parseTelemetry: (value: unknown) => z.ZodSafeParseResult<Telemetry> = fastParser(telemetrySchema);
