import type { AlarmModelFlags } from './alarms';

/**
 * The device model, when the operator configures one: some GT06 clones reuse protocol numbers
 * and alarm codes with their own meaning, and only the model tells them apart (Traccar's
 * per-device "model" setting). Upper-cased; flags for the model groups the decoder knows.
 */
export interface DeviceModel extends AlarmModelFlags {
  name?: string;
  /** Concox NT/XT/VL100 series: 0x22/0x25 carry IMEI, power, battery and a driver block. */
  nt: boolean;
}

const NT_MODELS = new Set(['NT11', 'NT20', 'NT26', 'NT40', 'NT46', 'VL100', 'XT40']);
const VL_MODELS = new Set(['VL103', 'LL303', 'VL512', 'G18']);

export function deviceModel(model?: string): DeviceModel {
  const name = model?.trim().toUpperCase() || undefined;
  return {
    name,
    lw: name?.startsWith('LW') ?? false,
    seeworld: name === 'SEEWORLD',
    nt: name !== undefined && NT_MODELS.has(name),
    vl: name !== undefined && VL_MODELS.has(name),
  };
}
