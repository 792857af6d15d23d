/**
 * What the pilot domain's workflow takes, answers and reports. Plain JSON: it travels through
 * Temporal's history, and workflow code imports this file for types and constants only.
 */
import type { RolloutInput } from '../ota/types';

/** The KPIs compared between the cohort and the control group; higher is better except fuel and idle. */
export const pilotKpis = ['uptime', 'fuelPer100Km', 'idleShare', 'safetyScore', 'otaSuccess'] as const;
export type PilotKpi = (typeof pilotKpis)[number];

/** One vehicle's KPIs over a window; null where the data says nothing (no km driven, no OTA). */
export type VehicleKpis = Record<PilotKpi, number | null>;

export interface KpiSummary {
  /** Vehicles with a value. */
  n: number;
  mean: number | null;
  sd: number | null;
}
export type GroupKpis = Record<PilotKpi, KpiSummary>;

export interface KpiSnapshot {
  seq: number;
  from: number;
  to: number;
  cohort: GroupKpis;
  control: GroupKpis;
}

/** Cohort minus control for one KPI, with the 95 % Welch interval (null when a group has < 2 values). */
export interface KpiDifference {
  kpi: PilotKpi;
  cohort: KpiSummary;
  control: KpiSummary;
  difference: number | null;
  ci95: [number, number] | null;
  /** The interval excludes zero. */
  significant: boolean;
}

export interface PilotReport {
  from: number;
  to: number;
  cohortSize: number;
  controlSize: number;
  differences: KpiDifference[];
}

/** How a cohort vehicle's control twin was chosen (same model and depot first, then nearest mileage). */
export interface ControlMatch {
  cohort: string;
  control: string;
  sameModel: boolean;
  sameDepot: boolean;
  mileageGapKm: number;
}

export interface PilotInput {
  pilotId: string;
  name: string;
  cohort: string[];
  /** Weeks in production, seconds in tests. */
  durationMs: number;
  snapshotEveryMs: number;
  /** An OTA rollout to start (as a child workflow) once a person approves it after the report. */
  followOn?: FollowOnRollout;
  /** How long to wait for that approval before closing without it. */
  followOnApprovalMs?: number;
}

/** The otaRollout child a pilot may start: where and as what, decided by the client that starts the pilot. */
export interface FollowOnRollout {
  taskQueue: string;
  workflowId: string;
  rollout: RolloutInput;
}

export type PilotPhase = 'matching' | 'running' | 'reporting' | 'awaiting_follow_on' | 'follow_on_started' | 'done';

export interface FollowOnDecision {
  by: string;
  approve: boolean;
  note?: string;
}

/** Answered by pilotStatusQuery, and returned at the end. */
export interface PilotStatus {
  pilotId: string;
  name: string;
  phase: PilotPhase;
  startedAt: number;
  endsAt: number;
  cohort: string[];
  control: string[];
  matches: ControlMatch[];
  snapshots: KpiSnapshot[];
  report: PilotReport | null;
  stoppedEarly: { by: string; reason: string; at: number } | null;
  followOn: { decision: (FollowOnDecision & { at: number }) | null; workflowId: string | null };
}

export function pilotWorkflowId(pilotId: string): string {
  return `pilot-${pilotId}`;
}
