import type { FleetStatus } from './fleet-status';

/** `fleet status` for a person: one table per kind of thing, then the verdict and why. */
export function formatFleetStatus(status: FleetStatus): string {
  const lines: string[] = ['Servers'];
  lines.push(
    ...table([
      ['server', 'address', 'reachable', 'version', 'JetStream', 'problem'],
      ...status.servers.map((s) => [
        s.server,
        s.address,
        yesNo(s.reachable),
        s.version ?? '-',
        s.jetstream === undefined ? '-' : s.jetstream ? 'on' : 'OFF',
        s.problem ?? '',
      ]),
    ]),
  );

  lines.push('', 'Platform');
  lines.push(
    ...table([
      ['part', 'instances', 'instance', 'uptime', 'stats'],
      ...status.parts.flatMap((p) => {
        if (p.instances.length === 0) {
          const note = p.healthy ? (p.required ? '(answers HTTP, not NATS)' : '(optional, not running)') : 'MISSING';
          return [[p.part, '0', note, '', '']];
        }
        return p.instances.map((i, n) => [
          n === 0 ? p.part : '',
          n === 0 ? String(p.instances.length) : '',
          `${i.id}@${i.host}`,
          duration(i.uptimeMs),
          i.error ? `stats failed: ${i.error}` : flatten(i.stats),
        ]);
      }),
    ]),
  );

  const web = status.web;
  lines.push('', `Web app   ${web.url}  ${web.healthy ? 'ok' : 'NOT OK'}${web.httpStatus ? ` (HTTP ${web.httpStatus})` : ''}  ${web.problem ?? (isRecord(web.body) ? flatten(web.body) : '')}`);

  const t = status.temporal;
  const queues = t.taskQueues.map((q) => `${q.name}: ${q.pollers} poller${q.pollers === 1 ? '' : 's'}`).join(', ');
  lines.push(`Temporal  namespace "${t.namespace}" ${t.namespaceReachable ? 'reachable' : 'NOT reachable'}${queues ? `; ${queues}` : ''}${t.problem ? `  ${t.problem}` : ''}`);

  lines.push('', status.healthy ? 'healthy' : `NOT healthy: ${problems(status).join('; ')}`);
  return lines.join('\n');
}

function problems(status: FleetStatus): string[] {
  const webRequired = status.parts.some((p) => p.part === 'web' && p.required);
  const temporalUp = status.servers.some((s) => s.server === 'Temporal' && s.healthy);
  return [
    ...status.servers.filter((s) => !s.healthy).map((s) => `${s.server} ${s.reachable ? 'unusable' : 'unreachable'}`),
    ...status.parts.filter((p) => !p.healthy && p.part !== 'web').map((p) => `no ${p.part} running`),
    ...(webRequired && !status.web.healthy ? ['web app not answering'] : []),
    // An unreachable Temporal is already said above.
    ...(temporalUp && !status.temporal.healthy ? [`Temporal: ${status.temporal.problem ?? 'not ready'}`] : []),
  ];
}

/** Left-aligned columns, two spaces apart, indented under their heading. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ')}`.trimEnd());
}

/** `key=value` pairs of a stats object; nested objects as compact JSON. */
function flatten(stats: Record<string, unknown>): string {
  return Object.entries(stats)
    .map(([key, value]) => `${key}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'NO';
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
