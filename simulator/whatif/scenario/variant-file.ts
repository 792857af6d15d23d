import { stringify } from 'yaml';

/**
 * A variation as a scenario file of its own: `extends` its base (a file beside it) with only the
 * changed fields, so saved into the scenarios folder it runs with `fleet whatif run` and appears
 * on the What-if page like any other file.
 */
export function variantFile(baseFile: string, name: string, changes: Record<string, unknown>): string {
  return stringify({ extends: baseFile, name, ...changes });
}

/** A file name for a scenario's name: lower case, words joined by dashes. */
export function variantFileName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug || 'scenario'}.yaml`;
}
