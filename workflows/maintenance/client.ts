import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import type { FleetConfig } from '../../infra/config/env';
import type { TemporalConfig } from '../../temporal.config';
import { ensureSearchAttributes } from '../search-attributes';
import {
  componentKey,
  depotIdKey,
  escalatedKey,
  maintenanceSearchAttributes,
  riskKey,
  vehicleIdKey,
  workOrderOriginKey,
  workOrderPhaseKey,
} from './search-attributes';
import {
  workOrderId,
  type OpenWorkOrder,
  type WorkOrderApproval,
  type WorkOrderCompletion,
  type WorkOrderOrigin,
  type WorkOrderPhase,
  type WorkOrderPolicy,
  type WorkOrderRejection,
  type WorkOrderStatus,
  type WorkOrderTrigger,
} from './types';
import {
  approveWorkOrderSignal,
  completeWorkOrderSignal,
  maintenanceWorkOrder,
  rejectWorkOrderSignal,
  workOrderStatusQuery,
  workOrderTriggerSignal,
} from './workflows';

/**
 * The work-order API of the CLI, the web app's queue and the starter. Orders are Temporal
 * workflows (workflow id wo-<vehicleId>-<component>) on the maintenance task queue.
 */

/** A request the order's state does not allow (approve a closed order, complete an unapproved one…). */
export class WorkOrderStateError extends Error {
  override name = 'WorkOrderStateError';
}

export function workOrderPolicyOf(config: FleetConfig): WorkOrderPolicy {
  return {
    autoApproveRisk: config.FLEET_WORKORDER_AUTO_APPROVE_RISK,
    slaMs: config.FLEET_WORKORDER_SLA_MS,
    slotLeadMs: config.FLEET_WORKORDER_SLOT_LEAD_MS,
  };
}

/**
 * Opens the vehicle's order for the component, or adds the trigger to the one already open
 * (signalWithStart): one open order per vehicle and component however often the alarm repeats.
 */
export async function openWorkOrder(
  client: Client,
  temporal: TemporalConfig,
  order: { vehicleId: string; component: string; trigger: WorkOrderTrigger; policy: WorkOrderPolicy },
): Promise<{ workflowId: string; runId: string }> {
  await ensureSearchAttributes(client, maintenanceSearchAttributes);
  const workflowId = workOrderId(order.vehicleId, order.component);
  const handle = await client.workflow.signalWithStart(maintenanceWorkOrder, {
    taskQueue: temporal.taskQueues.maintenance,
    workflowId,
    args: [{ vehicleId: order.vehicleId, component: order.component, policy: order.policy }],
    signal: workOrderTriggerSignal,
    signalArgs: [order.trigger],
    // Read by the queue and shown in the Temporal UI: why the order was opened.
    memo: { origin: order.trigger.origin, reason: order.trigger.reason },
    typedSearchAttributes: [
      { key: vehicleIdKey, value: order.vehicleId },
      { key: componentKey, value: order.component },
      { key: workOrderOriginKey, value: order.trigger.origin },
      { key: workOrderPhaseKey, value: 'awaiting_approval' },
      { key: riskKey, value: order.trigger.risk },
      { key: escalatedKey, value: false },
    ],
  });
  return { workflowId, runId: handle.signaledRunId };
}

/** Open orders, most urgent first; narrowed to a vehicle, a phase or escalated ones. */
export async function listOpenWorkOrders(
  client: Client,
  temporal: TemporalConfig,
  filter: { vehicleId?: string; phase?: WorkOrderPhase; escalated?: boolean } = {},
): Promise<OpenWorkOrder[]> {
  await ensureSearchAttributes(client, maintenanceSearchAttributes);
  const clauses = [
    `WorkflowType = 'maintenanceWorkOrder'`,
    `ExecutionStatus = 'Running'`,
    `TaskQueue = ${quote(temporal.taskQueues.maintenance)}`,
  ];
  if (filter.vehicleId) clauses.push(`${vehicleIdKey.name} = ${quote(filter.vehicleId)}`);
  if (filter.phase) clauses.push(`${workOrderPhaseKey.name} = ${quote(filter.phase)}`);
  if (filter.escalated !== undefined) clauses.push(`${escalatedKey.name} = ${filter.escalated}`);
  const orders: OpenWorkOrder[] = [];
  for await (const info of client.workflow.list({ query: clauses.join(' AND ') })) orders.push(toOpenWorkOrder(info));
  return orders.sort((a, b) => b.risk - a.risk || a.openedAt - b.openedAt);
}

/** The order's full status, from the workflow itself. */
export async function workOrderStatus(client: Client, workflowId: string): Promise<WorkOrderStatus> {
  try {
    return await client.workflow.getHandle(workflowId).query(workOrderStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new WorkOrderStateError(`no work order ${workflowId}`);
    throw err;
  }
}

export async function approveWorkOrder(client: Client, workflowId: string, approval: WorkOrderApproval): Promise<WorkOrderStatus> {
  const status = await openStatus(client, workflowId);
  if (status.phase !== 'awaiting_approval' || status.approval) {
    throw new WorkOrderStateError(`${workflowId} is ${status.phase}${status.approval ? ` (approved by ${status.approval.by})` : ''}: nothing to approve`);
  }
  await client.workflow.getHandle(workflowId).signal(approveWorkOrderSignal, approval);
  return status;
}

export async function rejectWorkOrder(client: Client, workflowId: string, rejection: WorkOrderRejection): Promise<WorkOrderStatus> {
  const status = await openStatus(client, workflowId);
  if (status.phase !== 'awaiting_approval' || status.approval) throw new WorkOrderStateError(`${workflowId} is ${status.phase}: it can no longer be rejected`);
  await client.workflow.getHandle(workflowId).signal(rejectWorkOrderSignal, rejection);
  return status;
}

/** The technician's outcome; the order must be approved (it closes once the outcome is recorded). */
export async function completeWorkOrder(client: Client, workflowId: string, completion: WorkOrderCompletion): Promise<WorkOrderStatus> {
  const status = await openStatus(client, workflowId);
  if (!status.approval) throw new WorkOrderStateError(`${workflowId} is not approved yet: approve it first`);
  if (status.completion) throw new WorkOrderStateError(`${workflowId} already has its outcome (${status.completion.outcome})`);
  await client.workflow.getHandle(workflowId).signal(completeWorkOrderSignal, completion);
  return status;
}

async function openStatus(client: Client, workflowId: string): Promise<WorkOrderStatus> {
  const status = await workOrderStatus(client, workflowId);
  if (status.phase === 'closed' || status.phase === 'rejected') throw new WorkOrderStateError(`${workflowId} is already ${status.phase}`);
  return status;
}

function toOpenWorkOrder(info: WorkflowExecutionInfo): OpenWorkOrder {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as { origin?: WorkOrderOrigin; reason?: string };
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    vehicleId: sa.get(vehicleIdKey) ?? '',
    component: sa.get(componentKey) ?? '',
    phase: (sa.get(workOrderPhaseKey) ?? 'awaiting_approval') as WorkOrderPhase,
    risk: sa.get(riskKey) ?? 0,
    escalated: sa.get(escalatedKey) ?? false,
    depotId: sa.get(depotIdKey) ?? null,
    openedAt: info.startTime.getTime(),
    reason: memo.reason ?? '',
    origin: memo.origin ?? (sa.get(workOrderOriginKey) as WorkOrderOrigin | undefined) ?? 'dtc',
  };
}

/** A string literal of Temporal's visibility query language. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
