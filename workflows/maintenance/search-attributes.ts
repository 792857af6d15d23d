import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What a work order shows in the Temporal UI's filters, e.g.
 * `WorkflowType="maintenanceWorkOrder" AND FleetWorkOrderPhase="awaiting_approval" AND FleetEscalated=true`.
 * FleetVehicleId is shared with the other domains' workflows about one vehicle.
 */
export const vehicleIdKey = defineSearchAttributeKey('FleetVehicleId', SearchAttributeType.KEYWORD);
export const componentKey = defineSearchAttributeKey('FleetComponent', SearchAttributeType.KEYWORD);
export const workOrderPhaseKey = defineSearchAttributeKey('FleetWorkOrderPhase', SearchAttributeType.KEYWORD);
export const workOrderOriginKey = defineSearchAttributeKey('FleetWorkOrderOrigin', SearchAttributeType.KEYWORD);
export const depotIdKey = defineSearchAttributeKey('FleetDepotId', SearchAttributeType.KEYWORD);
export const riskKey = defineSearchAttributeKey('FleetRisk', SearchAttributeType.DOUBLE);
export const escalatedKey = defineSearchAttributeKey('FleetEscalated', SearchAttributeType.BOOL);

export const maintenanceSearchAttributes = [vehicleIdKey, componentKey, workOrderPhaseKey, workOrderOriginKey, depotIdKey, riskKey, escalatedKey];
