import { connect } from '@nats-io/transport-node';
import { loadTemporalConfig } from '../../temporal.config';
import { domainWorkers } from '../../workflows/domains';
import type { FleetConfig } from '../config/env';
import { acceptsConnections } from '../stack/address';
import { PROBE_TIMEOUT_MS, reasonOf, type ServerStatus } from '../stack/server';
import { serverKinds } from '../stack/servers';
import { connectTemporal, temporalAddress } from '../stack/temporal';
import { collectHealth } from './collect-health';
import { platformParts } from './parts';
import type { HealthReply } from './serve-health';

export interface PartStatus {
  part: string;
  required: boolean;
  healthy: boolean;
  instances: HealthReply[];
}

export interface WebStatus {
  url: string;
  healthy: boolean;
  httpStatus?: number;
  body?: unknown;
  problem?: string;
}

export interface TemporalWorkStatus {
  namespace: string;
  namespaceReachable: boolean;
  taskQueues: Array<{ name: string; pollers: number }>;
  /** Some worker polls every task queue. */
  healthy: boolean;
  problem?: string;
}

export interface FleetStatus {
  healthy: boolean;
  servers: ServerStatus[];
  parts: PartStatus[];
  web: WebStatus;
  temporal: TemporalWorkStatus;
}

/**
 * Everything `fleet status` shows, each check bounded by PROBE_TIMEOUT_MS. The health replies and
 * the web check are timed, so they run after the server probes: setting up the Temporal client
 * blocks this process long enough on a busy machine to make a timer fire before a reply is read.
 */
export async function collectFleetStatus(config: FleetConfig, required: readonly string[]): Promise<FleetStatus> {
  const servers = await Promise.all(serverKinds.map((kind) => kind.probe(config)));
  const [replies, web] = await Promise.all([askParts(config), checkWeb(config)]);
  const temporal = await checkTemporalWork(config);
  const names = [...new Set([...platformParts, ...replies.map((r) => r.part)])];
  const parts = names.map((part): PartStatus => {
    const instances = replies.filter((r) => r.part === part);
    const isRequired = required.includes(part);
    // The web app proves itself over HTTP as well; it need not also answer on NATS.
    const running = instances.length > 0 || (part === 'web' && web.healthy);
    return { part, required: isRequired, instances, healthy: running || !isRequired };
  });
  const healthy = servers.every((s) => s.healthy) && parts.every((p) => p.healthy) && (web.healthy || !required.includes('web')) && temporal.healthy;
  return { healthy, servers, parts, web, temporal };
}

async function askParts(config: FleetConfig): Promise<HealthReply[]> {
  let nc;
  try {
    nc = await connect({ servers: config.FLEET_NATS_URL.split(','), name: 'fleet-status', timeout: 2000, reconnect: false });
  } catch {
    return []; // The NATS row already says why.
  }
  try {
    return await collectHealth(nc, 1000);
  } finally {
    await nc.close();
  }
}

async function checkWeb(config: FleetConfig): Promise<WebStatus> {
  const url = `http://127.0.0.1:${config.FLEET_WEB_PORT}`;
  try {
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: shown as text.
    }
    return { url, healthy: response.ok, httpStatus: response.status, body, ...(response.ok ? {} : { problem: `GET /api/health answered ${response.status}` }) };
  } catch (err) {
    return { url, healthy: false, problem: `GET /api/health failed: ${reasonOf(err)}` };
  }
}

/** Whether the namespace answers, and how many workers poll each task queue that has workflows. */
async function checkTemporalWork(config: FleetConfig): Promise<TemporalWorkStatus> {
  const { namespace, taskQueues } = loadTemporalConfig(config);
  // Only domains with workflows have a worker polling; the others' queues are idle by design.
  const queues = domainWorkers.map((d) => taskQueues[d.domain]);
  const status: TemporalWorkStatus = { namespace, namespaceReachable: false, taskQueues: [], healthy: false };
  let connection;
  try {
    if (!(await acceptsConnections(temporalAddress(config)))) throw new Error('nothing answers');
    connection = await connectTemporal(config);
  } catch (err) {
    status.problem = `Temporal unreachable: ${reasonOf(err)}`;
    return status;
  }
  try {
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    await connection.withDeadline(deadline, () => connection.workflowService.describeNamespace({ namespace }));
    status.namespaceReachable = true;
    status.taskQueues = await Promise.all(
      queues.map(async (name) => {
        const { pollers } = await connection.withDeadline(deadline, () =>
          connection.workflowService.describeTaskQueue({
            namespace,
            // 1 and 1: TASK_QUEUE_KIND_NORMAL and TASK_QUEUE_TYPE_WORKFLOW (the proto enums are not a dependency of ours).
            taskQueue: { name, kind: 1 },
            taskQueueType: 1,
          }),
        );
        return { name, pollers: pollers?.length ?? 0 };
      }),
    );
    const idle = status.taskQueues.filter((q) => q.pollers === 0).map((q) => q.name);
    status.healthy = idle.length === 0;
    if (idle.length) status.problem = `no worker polls ${idle.join(', ')} (is \`fleet worker\` running?)`;
  } catch (err) {
    status.problem = reasonOf(err);
  } finally {
    await connection.close();
  }
  return status;
}
