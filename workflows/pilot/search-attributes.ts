import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** A pilot in the Temporal UI: `WorkflowType="pilotProgram" AND FleetPilotPhase="awaiting_follow_on"`. */
export const pilotPhaseKey = defineSearchAttributeKey('FleetPilotPhase', SearchAttributeType.KEYWORD);

export const pilotSearchAttributes = [pilotPhaseKey];
