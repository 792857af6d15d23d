import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { TemporalUnreachableError } from '../../workflows/errors';
import { errorResponse } from './api';

/**
 * What the workflow pages' routes share: reading a JSON body against a schema, and turning
 * Temporal's failures into answers a page can show.
 */

/** A request's problem, already phrased for the person who sent it. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function describeIssues(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${what}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

/** The request's JSON body, checked against the schema; BadRequest(400/415) otherwise. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) throw new BadRequest(415, 'send the body as JSON (content-type: application/json)');
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    throw new BadRequest(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new BadRequest(400, describeIssues(parsed.error, 'body'));
  return parsed.data;
}

/** The URL's query parameters, checked against the schema; BadRequest(400) naming the parameter otherwise. */
export function parseQuery<S extends z.ZodType>(schema: S, url: URL): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw new BadRequest(400, describeIssues(parsed.error, 'query'));
  return parsed.data;
}

/** A route parameter or query value checked against its schema; BadRequest(400) otherwise. */
export function parseValue<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new BadRequest(400, `${what} ${JSON.stringify(String(raw).slice(0, 80))}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * Runs a route's work and answers its failures: the request's own (4xx), a state the workflow
 * refuses (409, by the domain's error class), Temporal down (503) or anything else Temporal said (502).
 */
export async function answering(
  work: () => Promise<Response>,
  refusals: { conflict?: (err: unknown) => boolean; notFound?: (err: unknown) => boolean } = {},
): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BadRequest) return errorResponse(err.status, err.message);
    if (refusals.notFound?.(err) || err instanceof WorkflowNotFoundError) return errorResponse(404, (err as Error).message);
    if (refusals.conflict?.(err)) return errorResponse(409, (err as Error).message);
    if (err instanceof TemporalUnreachableError) return errorResponse(503, err.message);
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return errorResponse(502, `Temporal refused the request: ${message}`);
  }
}
