import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { loadScenario, parseScenario, ScenarioError, scenarioWithOverrides } from '../../simulator/whatif/scenario/load';
import type { Scenario } from '../../simulator/whatif/scenario/schema';
import { toCsv } from '../../simulator/whatif/report';
import type { TemporalConfig } from '../../temporal.config';
import { cancelWhatIfRun, startWhatIfRun, whatIfStatus } from '../../workflows/whatif/client';
import { jsonResponse } from './api';
import { answering, BadRequest, parseJsonBody, parseValue } from './temporal-api';

/**
 * The planners' page API: the scenario files to start from, a run of a base scenario against
 * variations (another file, or the base with changed fields), and the run's progress and result.
 * Runs are `whatIfRun` workflows, so they survive the web server and show in the Temporal UI.
 */

/** Where `fleet web` finds the scenario files (it runs in the repository root). */
export const scenarioDir = (repoRoot: string) => join(repoRoot, 'simulator/whatif/scenarios');

export interface ScenarioFile {
  file: string;
  name: string;
  description: string | null;
  scenario: Scenario;
}

/** The valid scenario files of the folder, by name; a file that does not load is listed with its error. */
export function listScenarioFiles(dir: string): { scenarios: ScenarioFile[]; problems: string[] } {
  const scenarios: ScenarioFile[] = [];
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
    try {
      const scenario = loadScenario(join(dir, file));
      scenarios.push({ file, name: scenario.name, description: scenario.description ?? null, scenario });
    } catch (err) {
      problems.push(err instanceof ScenarioError ? err.message : `${file}: ${(err as Error).message}`);
    }
  }
  return { scenarios, problems };
}

const fileSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}\.(ya?ml|json)$/, 'not a scenario file name (e.g. baseline.yaml)');

export const whatIfStartSchema = z
  .object({
    base: fileSchema,
    variants: z
      .array(
        z.union([
          z.object({ file: fileSchema }).strict(),
          z
            .object({
              name: z.string().trim().min(1, 'name is empty').max(80),
              /** Fields over the base scenario: objects merge, anything else replaces (simulator/whatif/scenario/load.ts). */
              changes: z.record(z.string(), z.unknown()),
            })
            .strict(),
        ]),
      )
      .min(1, 'compare the base with at least one variation')
      .max(4, 'at most 4 variations a run'),
    seeds: z.number().int().min(2, 'at least 2 seeds: a KPI of one seed has no spread').max(20).optional(),
    /** The same simulated span for every scenario of the run, so their KPIs compare. */
    horizonDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();
export type WhatIfStartBody = z.input<typeof whatIfStartSchema>;

/** Builds the run's scenarios (the base first) from the request; a scenario that does not validate is a 400 naming the field. */
export function scenariosOf(dir: string, body: z.output<typeof whatIfStartSchema>): Scenario[] {
  const known = new Set(readdirSync(dir));
  const pathOf = (file: string) => {
    if (!known.has(file)) throw new BadRequest(400, `no scenario file ${file} (GET /api/whatif/scenarios lists them)`);
    return join(dir, file);
  };
  try {
    const base = loadScenario(pathOf(body.base));
    const variants = body.variants.map((v) => ('file' in v ? loadScenario(pathOf(v.file)) : scenarioWithOverrides(pathOf(body.base), { ...v.changes, name: v.name })));
    const names = [base, ...variants].map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new BadRequest(400, `two scenarios are named "${twice}": give each variation its own name`);
    const all = [base, ...variants];
    return body.horizonDays === undefined ? all : all.map((s) => parseScenario({ ...s, horizonDays: body.horizonDays }, s.name));
  } catch (err) {
    if (err instanceof ScenarioError) throw new BadRequest(400, err.message.replace(`${dir}/`, ''));
    throw err;
  }
}

/** GET /api/whatif/scenarios */
export function scenariosResponse(dir: string): Response {
  return jsonResponse(listScenarioFiles(dir));
}

/** POST /api/whatif: starts the run; 201 with its workflow id. */
export function startWhatIfResponse(client: () => Promise<Client>, temporal: TemporalConfig, dir: string, request: Request): Promise<Response> {
  return answering(async () => {
    const body = await parseJsonBody(request, whatIfStartSchema);
    const scenarios = scenariosOf(dir, body);
    const workflowId = await startWhatIfRun(await client(), temporal, { scenarios, ...(body.seeds ? { seeds: body.seeds } : {}) });
    return jsonResponse({ workflowId, scenarios: scenarios.map((s) => s.name) }, 201);
  });
}

const runIdSchema = z.string().regex(/^whatif-[a-z0-9-]{1,60}$/, 'not a what-if run id (whatif-…)');

const formatSchema = z.enum(['json', 'csv']);

/**
 * GET /api/whatif/[runId]: progress while it runs, the comparison when done, the error when it
 * failed. `?format=csv`: the finished comparison as a CSV download (409 until it has finished).
 */
export function whatIfStatusResponse(client: () => Promise<Client>, rawId: string, rawFormat: string | null = null): Promise<Response> {
  return answering(async () => {
    const id = parseValue(runIdSchema, rawId, 'run id');
    const format = parseValue(formatSchema, rawFormat ?? 'json', 'format');
    const status = await whatIfStatus(await client(), id);
    if (format === 'json') return jsonResponse(status);
    if (!status.result) throw new BadRequest(409, `run ${id} is ${status.status}: its CSV is there once it has completed`);
    return new Response(toCsv(status.result), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${id}.csv"` },
    });
  });
}

/** DELETE /api/whatif/[runId]: cancels a run in progress; 202, or 409 when it has already ended. */
export function cancelWhatIfResponse(client: () => Promise<Client>, rawId: string): Promise<Response> {
  return answering(async () => {
    const id = parseValue(runIdSchema, rawId, 'run id');
    if (!(await cancelWhatIfRun(await client(), id))) throw new BadRequest(409, `run ${id} has already ended`);
    return jsonResponse({ workflowId: id, cancelling: true }, 202);
  });
}
