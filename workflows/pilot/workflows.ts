import {
  ParentClosePolicy,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
// Only types: activity and OTA code never enter the workflow bundle.
import type { PilotActivities } from './activities';
import { pilotPhaseKey } from './search-attributes';
import type { FollowOnDecision, PilotInput, PilotPhase, PilotStatus } from './types';

export const pilotStatusQuery = defineQuery<PilotStatus>('pilotStatus');
/** Ends the measuring early; the report still covers what was measured. */
export const stopPilotSignal = defineSignal<[{ by: string; reason: string }]>('stopPilot');
/** Approve (or decline) the follow-on OTA rollout the pilot was started with. */
export const followOnDecisionSignal = defineSignal<[FollowOnDecision]>('followOnDecision');

const acts = proxyActivities<PilotActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes' },
});

/** The follow-on rollout lives on as its own workflow (visible as this pilot's child) after the pilot ends. */
const OTA_WORKFLOW_TYPE = 'otaRollout';

/**
 * A pilot program: a cohort against a control group matched by model, depot and mileage, measured
 * for `durationMs` with a KPI snapshot every `snapshotEveryMs`, then a report of the differences
 * with 95 % Welch intervals; optionally, once a person approves, the follow-on OTA rollout starts
 * as a child workflow.
 */
export async function pilotProgram(input: PilotInput): Promise<PilotStatus> {
  const startedAt = Date.now();
  const status: PilotStatus = {
    pilotId: input.pilotId,
    name: input.name,
    phase: 'matching',
    startedAt,
    endsAt: startedAt + input.durationMs,
    cohort: input.cohort,
    control: [],
    matches: [],
    snapshots: [],
    report: null,
    stoppedEarly: null,
    followOn: { decision: null, workflowId: null },
  };
  setHandler(pilotStatusQuery, () => status);
  setHandler(stopPilotSignal, ({ by, reason }) => {
    if (status.phase === 'matching' || status.phase === 'running') status.stoppedEarly ??= { by, reason, at: Date.now() };
  });
  setHandler(followOnDecisionSignal, (decision) => {
    if (status.phase === 'awaiting_follow_on' && !status.followOn.decision) status.followOn.decision = { ...decision, at: Date.now() };
  });
  const enter = async (phase: PilotPhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: pilotPhaseKey, value: phase }]);
    await acts.recordPilot(status);
  };

  status.matches = await acts.matchControlGroup(input.cohort);
  // Cohort vehicles without a match are left out of the comparison, as the report's sizes show.
  status.cohort = status.matches.map((m) => m.cohort);
  status.control = status.matches.map((m) => m.control);
  await enter('running');

  // Snapshots on a fixed schedule (startedAt + k·every, the last at the end), however late a busy
  // worker gets to them: each covers the pilot so far, so the last one is the whole pilot.
  const count = Math.ceil(input.durationMs / input.snapshotEveryMs);
  for (let seq = 1; seq <= count && !status.stoppedEarly; seq++) {
    const at = Math.min(status.endsAt, startedAt + seq * input.snapshotEveryMs);
    if (await condition(() => status.stoppedEarly !== null, Math.max(1, at - Date.now()))) break;
    status.snapshots.push(
      await acts.takeKpiSnapshot({ pilotId: input.pilotId, seq, cohort: status.cohort, control: status.control, from: startedAt, to: at }),
    );
  }
  if (status.stoppedEarly) status.endsAt = status.stoppedEarly.at;

  await enter('reporting');
  status.report = await acts.buildReport({ cohort: status.cohort, control: status.control, from: startedAt, to: status.endsAt });

  if (input.followOn) {
    await enter('awaiting_follow_on');
    const decided = await condition(() => status.followOn.decision !== null, input.followOnApprovalMs ?? '30 days');
    if (decided && status.followOn.decision!.approve) {
      const { taskQueue, workflowId, rollout } = input.followOn;
      const child = await startChild(OTA_WORKFLOW_TYPE, {
        taskQueue,
        workflowId,
        args: [rollout],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        memo: { pilotId: input.pilotId, approvedBy: status.followOn.decision!.by },
      });
      status.followOn.workflowId = child.workflowId;
      await enter('follow_on_started');
    }
  }
  await enter('done');
  return status;
}
