import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes of OTA rollouts: owners find a campaign in the Temporal UI with
 * `FleetCampaignId = "..."`, `FleetFirmwareVersion = "3.5.0"` or `FleetState = "paused"`.
 * Registered on the namespace by ensureOtaSearchAttributes (client.ts).
 */
export const campaignIdKey = defineSearchAttributeKey('FleetCampaignId', SearchAttributeType.KEYWORD);
export const firmwareVersionKey = defineSearchAttributeKey('FleetFirmwareVersion', SearchAttributeType.KEYWORD);
export const stateKey = defineSearchAttributeKey('FleetState', SearchAttributeType.KEYWORD);

export const otaSearchAttributeKeys = [campaignIdKey, firmwareVersionKey, stateKey];
