/**
 * What the maintenance domain's workflow takes, answers and records. Plain JSON: it travels
 * through Temporal's history, and workflow code imports this file for types and constants only.
 */

/** Where a work order came from. `predictive` is reserved for the model's alerts (evt.predictive_alert.*). */
export const workOrderOrigins = ['dtc', 'service_due', 'predictive'] as const;
export type WorkOrderOrigin = (typeof workOrderOrigins)[number];

export const workOrderOutcomes = ['fixed', 'not_found', 'deferred'] as const;
export type WorkOrderOutcome = (typeof workOrderOutcomes)[number];

/** The twin's maintenance region (twins/machines/vehicle-twin.ts) follows these. */
export const twinMaintenanceStates = ['none', 'due', 'scheduled', 'in_service'] as const;
export type TwinMaintenanceState = (typeof twinMaintenanceStates)[number];

/** Where an order stands; also the FleetWorkOrderPhase search attribute. */
export type WorkOrderPhase =
  | 'awaiting_approval'
  | 'scheduling'
  | 'scheduled'
  | 'in_service'
  | 'closed'
  | 'rejected';

/** One reason to open (or reinforce) an order: a critical DTC, a service due, a predictive alert. */
export interface WorkOrderTrigger {
  origin: WorkOrderOrigin;
  /** The EVENTS message (or check) that raised it; a repeat with the same id is ignored. */
  triggerId: string;
  reason: string;
  /** 0..1: how likely a failure is if nothing is done; orders at or above autoApproveRisk skip approval. */
  risk: number;
  at: number;
  details?: Record<string, unknown>;
}

/** Timings of an order; weeks and hours in production, seconds in tests. */
export interface WorkOrderPolicy {
  /** Approve without a person when the risk reaches this (1.01: never). */
  autoApproveRisk: number;
  /** An order waiting this long for approval or for its outcome is escalated (again every period). */
  slaMs: number;
  /** The soonest a slot may start after approval: time to get the vehicle to the depot. */
  slotLeadMs: number;
}

export interface WorkOrderInput {
  vehicleId: string;
  component: string;
  policy: WorkOrderPolicy;
}

export interface WorkOrderApproval {
  by: string;
  note?: string;
}

export interface WorkOrderRejection {
  by: string;
  reason: string;
}

export interface WorkOrderCompletion {
  outcome: WorkOrderOutcome;
  technician: string;
  notes?: string;
}

export interface ServiceSlot {
  depotId: string;
  startsAt: number;
  endsAt: number;
}

export interface WorkOrderEscalation {
  level: number;
  phase: WorkOrderPhase;
  waitedMs: number;
  at: number;
}

/** Answered by workOrderStatusQuery, and what the workflow returns when it closes. */
export interface WorkOrderStatus {
  workflowId: string;
  vehicleId: string;
  component: string;
  phase: WorkOrderPhase;
  /** The row in work_orders, once written. */
  recordId: number | null;
  openedAt: number;
  risk: number;
  priority: number;
  triggers: WorkOrderTrigger[];
  approval: (WorkOrderApproval & { at: number; auto: boolean }) | null;
  rejection: (WorkOrderRejection & { at: number }) | null;
  slot: ServiceSlot | null;
  inServiceAt: number | null;
  completion: (WorkOrderCompletion & { at: number }) | null;
  escalations: WorkOrderEscalation[];
}

/** What the work_orders row holds of an order; written at every change of phase. */
export interface WorkOrderRecord {
  workflowId: string;
  runId: string;
  status: WorkOrderStatus;
}

/** An open order as the queue (CLI, web app) lists it, from Temporal's visibility. */
export interface OpenWorkOrder {
  workflowId: string;
  runId: string;
  vehicleId: string;
  component: string;
  phase: WorkOrderPhase;
  risk: number;
  escalated: boolean;
  depotId: string | null;
  openedAt: number;
  reason: string;
  origin: WorkOrderOrigin;
}

/** 1 (most urgent) to 5, from the risk: the work_orders.priority the queue sorts by. */
export function priorityOf(risk: number): number {
  if (risk >= 0.9) return 1;
  if (risk >= 0.7) return 2;
  if (risk >= 0.5) return 3;
  if (risk >= 0.3) return 4;
  return 5;
}

/** The workflow id of a vehicle's order for a component: one open order per pair. */
export function workOrderId(vehicleId: string, component: string): string {
  return `wo-${vehicleId}-${component}`;
}
