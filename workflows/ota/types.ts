/**
 * What the OTA domain's workflows take, return and answer. Plain JSON: it travels through
 * Temporal's history, and workflow code imports it as types only.
 */

import { otaStates } from '../../twins/telemetry/ota-states';

/** Which devices a campaign updates. Criteria combine with AND; an empty selector is refused. */
export interface TargetSelector {
  /** Hardware models (e.g. FT-GPS); default: every model the manifest names. */
  hardwareModels?: string[];
  /** Regions of the vehicles' depots. */
  regions?: string[];
  /** Only devices now on one of these versions. */
  currentVersions?: string[];
  /** An explicit list of device ids. */
  deviceIds?: string[];
}

/** When a device may update: the vehicle's twin parked, and the depot's local hour in [fromHour, toHour). */
export interface MaintenanceWindow {
  requireParked: boolean;
  /** Local hours of the vehicle's depot; fromHour > toHour wraps midnight (22 → 5). Absent: any hour. */
  localHours?: { fromHour: number; toHour: number };
}

export interface RolloutPolicy {
  /** Cumulative share of the targets updated by the end of each wave, percent; the last is 100. */
  waves: number[];
  /** Share of a wave's devices that must end `done` before the next wave starts (0.99). */
  successGate: number;
  /** Share of failures among a wave's finished devices that pauses the rollout for a human. */
  failureThreshold: number;
  /** Finished devices a wave needs before the failure threshold is judged (small waves judge at the end). */
  minDevicesForThreshold: number;
  /** Devices updating at the same time. */
  concurrency: number;
  /** Devices per batch child workflow. */
  batchSize: number;
  /** From offer to outcome, per device, ms; then it counts as timed out. */
  deviceTimeoutMs: number;
  window: MaintenanceWindow;
  /** How long a batch waits for its devices to enter the window before it skips them, ms. */
  windowWaitMs: number;
  /** Between checks of the window, ms. */
  windowRecheckMs: number;
  /** History events after which the rollout continues as new (Temporal's limit is 51,200). */
  historyEventsBeforeContinue: number;
}

export const defaultRolloutPolicy: RolloutPolicy = {
  waves: [1, 10, 50, 100],
  successGate: 0.99,
  failureThreshold: 0.05,
  minDevicesForThreshold: 20,
  concurrency: 500,
  batchSize: 250,
  deviceTimeoutMs: 30 * 60_000,
  window: { requireParked: true },
  windowWaitMs: 12 * 3_600_000,
  windowRecheckMs: 5 * 60_000,
  historyEventsBeforeContinue: 10_000,
};

export interface RolloutInput {
  campaignId: string;
  manifestId: string;
  target: TargetSelector;
  policy: RolloutPolicy;
  createdBy: string;
}

/** A device's place in a campaign: the OTA states devices report, plus the platform's own. */
export const deviceStates = ['pending', ...otaStates, 'timed_out', 'skipped'] as const;
export type DeviceState = (typeof deviceStates)[number];
export type StateCounts = Partial<Record<DeviceState, number>>;

/** Outcomes that count against a wave's success. */
export const failedStates: readonly DeviceState[] = ['failed', 'rolled_back', 'refused', 'timed_out'];

export const campaignStatuses = ['preparing', 'running', 'paused', 'aborting', 'completed', 'aborted'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export interface WaveProgress {
  wave: number;
  /** Cumulative percent of the targets at the end of this wave. */
  percent: number;
  /** Target ordinals [from, to) of this wave. */
  from: number;
  to: number;
  counts: StateCounts;
  gate?: 'passed' | 'failed' | 'overridden';
}

export interface RollbackProgress {
  /** Devices updated in this campaign, to be put back. */
  devices: number;
  counts: StateCounts;
}

/** Answered by otaProgressQuery at any time, and returned by the rollout at its end. */
export interface CampaignProgress {
  campaignId: string;
  manifestId: string;
  version: string;
  status: CampaignStatus;
  /** Why it is paused or was aborted. */
  reason?: string;
  totalDevices: number;
  /** Devices the targets named whose format takes no OTA command (binary trackers): left out. Absent before it was counted. */
  withoutOta?: number;
  /** Index into waves of the wave running (or last run). */
  currentWave: number;
  waves: WaveProgress[];
  /** Devices being updated now. */
  inFlight: number;
  /** Counts over every wave. */
  counts: StateCounts;
  rollback?: RollbackProgress;
  /** Continue-as-new generations so far. */
  runs: number;
  updatedAt: number;
}

export interface SignalBy {
  /** Who: a user name, or a process. */
  by: string;
  reason?: string;
}

/** One device of a batch, as loaded for offering. */
export interface BatchDevice {
  deviceId: string;
  vehicleId: string;
  hardwareModel: string;
  /** The depot's IANA time zone, for local hours. */
  timezone: string;
  /** Version before this campaign: what a rollback returns to. */
  previousVersion: string | null;
}

export type BatchAction = 'install' | 'rollback';

export interface BatchInput {
  campaignId: string;
  manifestId: string;
  version: string;
  action: BatchAction;
  /** Target ordinals [from, to). */
  from: number;
  to: number;
  policy: RolloutPolicy;
}

export interface BatchResult {
  from: number;
  to: number;
  counts: StateCounts;
}

/** A device's final word in a batch. */
export interface DeviceOutcome {
  deviceId: string;
  state: DeviceState;
  reason?: string;
}

/** A campaign as listed: from Temporal's visibility store (search attributes and memo). */
export interface CampaignSummary {
  campaignId: string;
  workflowId: string;
  runId: string;
  version: string | null;
  manifestId: string | null;
  state: string | null;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  executionStatus: string;
  startTime: string;
  closeTime: string | null;
  createdBy: string | null;
}

/** A row of the audit log, as the workflow queues it. */
export interface AuditEntry {
  actor: string;
  action: string;
  details: Record<string, unknown>;
}
