import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
// Only the type: activity code never enters the workflow bundle.
import type { OtaActivities } from './activities';
import { firmwareVersionKey, stateKey } from './search-attributes';
import type {
  AuditEntry,
  BatchInput,
  BatchResult,
  CampaignProgress,
  CampaignStatus,
  DeviceState,
  RolloutInput,
  SignalBy,
  StateCounts,
} from './types';
import { failedStates } from './types';
import { planWaves } from './waves';

export const pauseSignal = defineSignal<[SignalBy]>('pause');
export const resumeSignal = defineSignal<[SignalBy]>('resume');
export const abortSignal = defineSignal<[SignalBy]>('abort');
export const otaProgressQuery = defineQuery<CampaignProgress>('otaProgress');

const records = proxyActivities<OtaActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What a rollout hands to its next run when it continues as new. */
export interface CarriedRollout {
  progress: CampaignProgress;
  /** Next target ordinal to offer in the current wave. */
  cursor: number;
  paused: boolean;
  aborting: boolean;
  /** Highest ordinal offered so far: abort rolls back [0, offeredUpTo). */
  offeredUpTo: number;
}

/**
 * A firmware rollout (one campaign): resolves the targets, then offers the signed firmware wave
 * by wave (1 % → 10 % → 50 % → 100 % by default), in batch child workflows of at most
 * `batchSize` devices, `concurrency` devices at a time. A wave must reach the success gate before
 * the next starts; too many failures pause it for a human (resume or abort signal). Abort rolls
 * back every device this campaign updated. Continues as new between batches when the history
 * grows, so 20,000 devices stay far inside Temporal's limits.
 */
export async function otaRollout(input: RolloutInput, carried?: CarriedRollout): Promise<CampaignProgress> {
  const { policy } = input;
  const state: CarriedRollout = carried ?? {
    progress: {
      campaignId: input.campaignId,
      manifestId: input.manifestId,
      version: '',
      status: 'preparing',
      totalDevices: 0,
      currentWave: 0,
      waves: [],
      inFlight: 0,
      counts: {},
      runs: 0,
      updatedAt: Date.now(),
    },
    cursor: 0,
    paused: false,
    aborting: false,
    offeredUpTo: 0,
  };
  const progress = state.progress;
  const audit: AuditEntry[] = [];
  let auditing = false;

  setHandler(otaProgressQuery, () => ({ ...progress, updatedAt: Date.now() }));
  setHandler(pauseSignal, (by) => {
    if (finished() || state.aborting || state.paused) return;
    state.paused = true;
    progress.reason = by.reason ? `paused by ${by.by}: ${by.reason}` : `paused by ${by.by}`;
    audit.push({ actor: by.by, action: 'ota_campaign.pause', details: { reason: by.reason ?? null } });
  });
  setHandler(resumeSignal, (by) => {
    if (finished() || state.aborting || !state.paused) return;
    state.paused = false;
    delete progress.reason;
    audit.push({ actor: by.by, action: 'ota_campaign.resume', details: { reason: by.reason ?? null } });
  });
  setHandler(abortSignal, (by) => {
    if (finished() || state.aborting) return;
    state.aborting = true;
    state.paused = false;
    progress.reason = by.reason ? `aborted by ${by.by}: ${by.reason}` : `aborted by ${by.by}`;
    audit.push({ actor: by.by, action: 'ota_campaign.abort', details: { reason: by.reason ?? null } });
  });

  function finished(): boolean {
    return progress.status === 'completed' || progress.status === 'aborted';
  }

  /** Writes queued audit entries (signals cannot do I/O themselves). */
  async function flushAudit(): Promise<void> {
    if (auditing || audit.length === 0) return;
    auditing = true;
    try {
      while (audit.length > 0) await records.recordAudit(input.campaignId, audit.splice(0));
    } finally {
      auditing = false;
    }
  }

  /** The status, everywhere it is read: the query, the FleetState search attribute, PostgreSQL. */
  async function setStatus(status: CampaignStatus): Promise<void> {
    progress.status = status;
    upsertSearchAttributes([{ key: stateKey, value: status }]);
    await records.recordCampaign({
      campaignId: input.campaignId,
      status,
      reason: progress.reason ?? null,
      counts: progress.counts,
      finished: status === 'completed' || status === 'aborted',
    });
  }

  /** Holds while paused; true when the rollout should go on, false when it is being aborted. */
  async function untilResumed(): Promise<boolean> {
    if (state.paused && !state.aborting) {
      await setStatus('paused');
      await flushAudit();
      await condition(() => !state.paused || state.aborting);
      if (!state.aborting) await setStatus('running');
    }
    await flushAudit();
    return !state.aborting;
  }

  if (!carried) {
    const prepared = await records.prepareCampaign(input);
    progress.version = prepared.version;
    upsertSearchAttributes([{ key: firmwareVersionKey, value: prepared.version }]);
    progress.totalDevices = prepared.totalDevices;
    progress.withoutOta = prepared.withoutOta;
    progress.waves = planWaves(prepared.totalDevices, policy.waves);
    state.cursor = 0;
    await setStatus('running');
  }

  const parallel = Math.max(1, Math.floor(policy.concurrency / policy.batchSize));
  const batchId = (action: string, from: number) => `${workflowInfo().workflowId}-${action}-${from}`;

  waves: while (progress.currentWave < progress.waves.length) {
    const wave = progress.waves[progress.currentWave]!;
    if (state.cursor < wave.from) state.cursor = wave.from;
    const running = new Map<number, Promise<{ from: number; result: BatchResult }>>();
    for (;;) {
      if (running.size === 0) {
        if (!(await untilResumed())) break waves;
        if (state.cursor >= wave.to) break;
        if (shouldContinueAsNew()) {
          await flushAudit();
          progress.runs++;
          await continueAsNew<typeof otaRollout>(input, state);
        }
      }
      while (running.size < parallel && state.cursor < wave.to && !state.paused && !state.aborting && !shouldContinueAsNew()) {
        const from = state.cursor;
        const to = Math.min(wave.to, from + policy.batchSize);
        state.cursor = to;
        state.offeredUpTo = Math.max(state.offeredUpTo, to);
        progress.inFlight += to - from;
        running.set(from, runBatch(batchInput('install', from, to), batchId('install', from)).then((result) => ({ from, result })));
      }
      // Nothing started (paused, aborting or due to continue as new): the top of the loop handles it.
      if (running.size === 0) continue;
      const { from, result } = await Promise.race(running.values());
      running.delete(from);
      progress.inFlight -= result.to - result.from;
      add(wave.counts, result.counts);
      add(progress.counts, result.counts);
      const judged = finishedIn(wave.counts);
      const failed = failedIn(wave.counts);
      if (!state.paused && judged >= policy.minDevicesForThreshold && failed / judged > policy.failureThreshold) {
        state.paused = true;
        progress.reason = `failure threshold: ${failed} of ${judged} devices of wave ${wave.wave + 1} failed (more than ${pct(policy.failureThreshold)})`;
        audit.push({ actor: 'workflow', action: 'ota_campaign.pause', details: { reason: progress.reason } });
      }
    }
    // The gate: enough of this wave must be done before the next one starts.
    const targeted = wave.to - wave.from - (wave.counts.skipped ?? 0);
    const success = targeted === 0 ? 1 : (wave.counts.done ?? 0) / targeted;
    if (success >= policy.successGate) {
      wave.gate = 'passed';
    } else {
      wave.gate = 'failed';
      if (!state.paused) {
        state.paused = true;
        progress.reason = `success gate: ${pct(success)} of wave ${wave.wave + 1} done, ${pct(policy.successGate)} needed`;
        audit.push({ actor: 'workflow', action: 'ota_campaign.pause', details: { reason: progress.reason } });
      }
      if (!(await untilResumed())) break;
      wave.gate = 'overridden';
    }
    progress.currentWave++;
  }

  if (state.aborting) {
    await setStatus('aborting');
    await flushAudit();
    await rollBack();
    await setStatus('aborted');
  } else {
    if (progress.currentWave > 0) progress.currentWave = progress.waves.length - 1;
    delete progress.reason;
    await setStatus('completed');
  }
  await flushAudit();
  return progress;

  function batchInput(action: BatchInput['action'], from: number, to: number): BatchInput {
    return { campaignId: input.campaignId, manifestId: input.manifestId, version: progress.version, action, from, to, policy };
  }

  /** A batch's failure (a bug, an exhausted retry) counts its devices as failed rather than ending the campaign. */
  async function runBatch(batch: BatchInput, workflowId: string): Promise<BatchResult> {
    try {
      return await executeChild(otaBatch, { args: [batch], workflowId });
    } catch (err) {
      const reason = `batch ${batch.from}-${batch.to} failed: ${(err as Error).message}`;
      audit.push({ actor: 'workflow', action: 'ota_campaign.batch_failed', details: { reason } });
      return { from: batch.from, to: batch.to, counts: { failed: batch.to - batch.from } };
    }
  }

  /** Every device this campaign updated goes back to its previous version. */
  async function rollBack(): Promise<void> {
    const devices = await records.countUpdated(input.campaignId);
    progress.rollback = { devices, counts: {} };
    const rollback = progress.rollback;
    const pending: Array<Promise<void>> = [];
    for (let from = 0; from < state.offeredUpTo; from += policy.batchSize) {
      const to = Math.min(state.offeredUpTo, from + policy.batchSize);
      pending.push(
        runBatch(batchInput('rollback', from, to), batchId('rollback', from)).then((r) => {
          add(rollback.counts, r.counts);
        }),
      );
      if (pending.length >= parallel) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  }

  function shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > policy.historyEventsBeforeContinue;
  }
}

/** Twin events are stamped by NATS, workflow time by Temporal: their clocks may differ a little. */
const CLOCK_SKEW_MARGIN_MS = 2_000;

const window = proxyActivities<OtaActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * One batch of a rollout (or of its rollback): waits until each device is in its maintenance
 * window, offers the command, and waits for the devices' outcomes as their twins announce them.
 */
export async function otaBatch(input: BatchInput): Promise<BatchResult> {
  const { policy } = input;
  const waiting = proxyActivities<OtaActivities>({
    startToCloseTimeout: policy.deviceTimeoutMs + 60_000,
    // A killed worker is noticed by the missing heartbeat, and the wait resumes on another.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  const counts: StateCounts = {};
  let devices = await window.loadBatch(input);
  const giveUpAt = Date.now() + policy.windowWaitMs;
  while (devices.length > 0) {
    const { eligible, notYet } = await window.checkWindow(devices, policy.window);
    if (eligible.length > 0) {
      // Taken before the commands go out, and the same on a retry: no report is missed.
      const since = Date.now() - CLOCK_SKEW_MARGIN_MS;
      await window.sendCommands(input, eligible);
      const outcomes = await waiting.awaitOutcomes({
        campaignId: input.campaignId,
        action: input.action,
        version: input.version,
        devices: eligible.map((d) => ({ deviceId: d.deviceId, vehicleId: d.vehicleId, previousVersion: d.previousVersion, hardwareModel: d.hardwareModel })),
        since,
        timeoutMs: policy.deviceTimeoutMs,
      });
      for (const o of outcomes) count(counts, o.state);
    }
    devices = notYet;
    if (devices.length === 0) break;
    if (Date.now() + policy.windowRecheckMs > giveUpAt) {
      await window.markSkipped(input.campaignId, devices.map((d) => d.deviceId), 'not in its maintenance window in time');
      counts.skipped = (counts.skipped ?? 0) + devices.length;
      break;
    }
    await sleep(policy.windowRecheckMs);
  }
  return { from: input.from, to: input.to, counts };
}

function add(into: StateCounts, more: StateCounts): void {
  for (const [state, n] of Object.entries(more) as Array<[DeviceState, number]>) into[state] = (into[state] ?? 0) + n;
}

function count(into: StateCounts, state: DeviceState): void {
  into[state] = (into[state] ?? 0) + 1;
}

function finishedIn(counts: StateCounts): number {
  return (counts.done ?? 0) + failedIn(counts);
}

function failedIn(counts: StateCounts): number {
  return failedStates.reduce((n, s) => n + (counts[s] ?? 0), 0);
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
