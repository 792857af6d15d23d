import {
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
// Only the type: activity code never enters the workflow bundle.
import type { MaintenanceActivities } from './activities';
import { depotIdKey, escalatedKey, riskKey, workOrderPhaseKey } from './search-attributes';
import {
  priorityOf,
  type TwinMaintenanceState,
  type WorkOrderApproval,
  type WorkOrderCompletion,
  type WorkOrderInput,
  type WorkOrderPhase,
  type WorkOrderRejection,
  type WorkOrderStatus,
  type WorkOrderTrigger,
} from './types';

/** Every event that opens or reinforces the order; signalWithStart delivers the first one. */
export const workOrderTriggerSignal = defineSignal<[WorkOrderTrigger]>('workOrderTrigger');
export const approveWorkOrderSignal = defineSignal<[WorkOrderApproval]>('approveWorkOrder');
export const rejectWorkOrderSignal = defineSignal<[WorkOrderRejection]>('rejectWorkOrder');
/** The technician's outcome; accepted once the order is approved. */
export const completeWorkOrderSignal = defineSignal<[WorkOrderCompletion]>('completeWorkOrder');
export const workOrderStatusQuery = defineQuery<WorkOrderStatus>('workOrderStatus');

/** A vehicle may raise the same alarm for weeks; the history keeps only the latest triggers. */
const MAX_TRIGGERS_KEPT = 20;

const records = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** A twin host may be moving the partition, and a depot may have to be configured first: keep trying. */
const twinAndDepot = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

/**
 * One work order for one vehicle and component (workflow id wo-<vehicleId>-<component>): opened by
 * a trigger, approved by a person (or automatically at high risk), booked into a depot's service
 * slot, the vehicle's twin marked due → scheduled → in service → back, the technician's outcome
 * recorded for the model. Waiting for approval or for the outcome past the SLA escalates it.
 */
export async function maintenanceWorkOrder(input: WorkOrderInput): Promise<WorkOrderStatus> {
  const { workflowId, runId } = workflowInfo();
  const { policy } = input;
  const status: WorkOrderStatus = {
    workflowId,
    vehicleId: input.vehicleId,
    component: input.component,
    phase: 'awaiting_approval',
    recordId: null,
    openedAt: Date.now(),
    risk: 0,
    priority: priorityOf(0),
    triggers: [],
    approval: null,
    rejection: null,
    slot: null,
    inServiceAt: null,
    completion: null,
    escalations: [],
  };
  const seenTriggers = new Set<string>();
  let dirty = false;

  setHandler(workOrderStatusQuery, () => status);
  setHandler(workOrderTriggerSignal, (trigger) => {
    if (seenTriggers.has(trigger.triggerId) || isClosed(status.phase)) return;
    seenTriggers.add(trigger.triggerId);
    status.triggers = [...status.triggers, trigger].slice(-MAX_TRIGGERS_KEPT);
    if (trigger.risk > status.risk) {
      status.risk = trigger.risk;
      status.priority = priorityOf(trigger.risk);
      dirty = true;
    }
  });
  setHandler(approveWorkOrderSignal, (approval) => {
    if (status.phase !== 'awaiting_approval' || status.approval || status.rejection) return;
    status.approval = { ...approval, at: Date.now(), auto: false };
  });
  setHandler(rejectWorkOrderSignal, (rejection) => {
    if (status.phase !== 'awaiting_approval' || status.approval || status.rejection) return;
    status.rejection = { ...rejection, at: Date.now() };
  });
  setHandler(completeWorkOrderSignal, (completion) => {
    if (!status.approval || status.completion || isClosed(status.phase)) return;
    status.completion = { ...completion, at: Date.now() };
  });

  const save = async () => {
    dirty = false;
    status.recordId = await records.recordWorkOrder({ workflowId, runId, status });
  };
  const enter = async (phase: WorkOrderPhase, twin?: TwinMaintenanceState) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: workOrderPhaseKey, value: phase }, { key: riskKey, value: status.risk }]);
    await save();
    if (twin) await twinAndDepot.setTwinMaintenance(input.vehicleId, twin, twin === 'none' ? null : workflowId);
  };
  /** Waits for `done`; every SLA period it is not, the order is escalated one level. */
  const waitWithinSla = async (done: () => boolean) => {
    const since = Date.now();
    let periods = 1;
    for (;;) {
      const left = Math.max(1, since + periods * policy.slaMs - Date.now());
      if (await condition(() => done() || dirty, left)) {
        if (done()) return;
        // A stronger trigger while waiting is written down (and may auto-approve).
        upsertSearchAttributes([{ key: riskKey, value: status.risk }]);
        await save();
        continue;
      }
      periods++;
      const escalation = { level: status.escalations.length + 1, phase: status.phase, waitedMs: Date.now() - since, at: Date.now() };
      status.escalations.push(escalation);
      upsertSearchAttributes([{ key: escalatedKey, value: true }]);
      await save();
      await records.recordEscalation(status.recordId!, escalation);
    }
  };

  // Started by signalWithStart: the first trigger is in the same workflow task.
  await condition(() => status.triggers.length > 0);
  dirty = false;
  await enter('awaiting_approval', 'due');

  await waitWithinSla(() => status.approval !== null || status.rejection !== null || status.risk >= policy.autoApproveRisk);
  if (status.rejection) {
    await enter('rejected', 'none');
    return status;
  }
  status.approval ??= { by: 'auto', note: `risk ${status.risk} ≥ ${policy.autoApproveRisk}`, at: Date.now(), auto: true };

  await enter('scheduling');
  status.slot = await twinAndDepot.bookServiceSlot({
    bookingKey: `${workflowId}/${runId}`,
    vehicleId: input.vehicleId,
    notBefore: Date.now() + policy.slotLeadMs,
  });
  upsertSearchAttributes([{ key: depotIdKey, value: status.slot.depotId }]);
  await enter('scheduled', 'scheduled');

  // The technician may finish before the slot (the vehicle came early): no need to wait then.
  const untilSlot = status.slot.startsAt - Date.now();
  if (untilSlot > 0) await condition(() => status.completion !== null, untilSlot);
  status.inServiceAt = Date.now();
  await enter('in_service', 'in_service');

  await waitWithinSla(() => status.completion !== null);
  await records.recordOutcome({ workflowId, runId, status });
  await enter('closed', 'none');
  return status;
}

function isClosed(phase: WorkOrderPhase): boolean {
  return phase === 'closed' || phase === 'rejected';
}
