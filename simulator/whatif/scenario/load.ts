import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { scenarioSchema, totalVehicles, type Scenario } from './schema';

/** A scenario that cannot be used, with the file and the field path that are wrong. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge field by field; anything else (numbers, lists) in the override replaces the base. */
export function deepMerge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const under = out[key];
    out[key] = isObject(under) && isObject(value) ? deepMerge(under, value) : value;
  }
  return out;
}

function readDocument(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new ScenarioError(`${path}: a scenario is a mapping of fields (name:, depots:, ...)`);
  return doc;
}

/** The file's fields over those of the chain of files it `extends` (paths relative to each file). */
function resolveExtends(path: string, seen: string[] = []): Json {
  const full = resolve(path);
  if (seen.includes(full)) throw new ScenarioError(`${full}: extends itself through ${seen.join(' → ')}`);
  const { extends: parent, ...own } = readDocument(full);
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw new ScenarioError(`${full}: extends: must be the path of another scenario file`);
  return deepMerge(resolveExtends(resolve(dirname(full), parent), [...seen, full]), own);
}

/** Checks a document against the schema; every problem is reported as `where: field.path: message`. */
export function parseScenario(doc: unknown, where: string): Scenario {
  const parsed = scenarioSchema.safeParse(doc);
  if (!parsed.success) throw new ScenarioError(describeIssues(parsed.error, where));
  if (totalVehicles(parsed.data) === 0) throw new ScenarioError(`${where}: depots: the depots have no vehicles`);
  return parsed.data;
}

export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues.map((i) => `${where}: ${i.path.length ? i.path.join('.') : '(scenario)'}: ${i.message}`).join('\n');
}

/** Reads a YAML or JSON scenario file, resolving `extends`, and validates it. */
export function loadScenario(path: string): Scenario {
  return parseScenario(resolveExtends(path), path);
}

/** A scenario given as fields over a base scenario file (the web page's "change parameters"). */
export function scenarioWithOverrides(basePath: string, overrides: Json): Scenario {
  return parseScenario(deepMerge(resolveExtends(basePath), overrides), `${basePath} + changes`);
}
