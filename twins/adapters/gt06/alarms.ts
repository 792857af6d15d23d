/**
 * Alarm codes of the GT06 family (Traccar's Gt06ProtocolDecoder tables), as Traccar's alarm
 * names. Some codes mean different things on some models; the flags say which table applies.
 */
export interface AlarmModelFlags {
  /** Concox LW series (model starts with "LW"). */
  lw: boolean;
  /** SEEWORLD devices. */
  seeworld: boolean;
  /** Jimi VL103, LL303, VL512, G18. */
  vl: boolean;
}

export function statusAlarm(code: number, flags: AlarmModelFlags): string | undefined {
  switch (code) {
    case 0x01: return 'sos';
    case 0x02: return 'powerCut';
    case 0x03: return 'vibration';
    case 0x04: return 'geofenceEnter';
    case 0x05: return 'geofenceExit';
    case 0x06: return 'overspeed';
    case 0x09: return flags.vl ? 'tow' : 'vibration';
    case 0x0e:
    case 0x0f: return 'lowBattery';
    case 0x11: return 'powerOff';
    case 0x0c:
    case 0x13:
    case 0x25:
    case 0x32: return 'tampering';
    case 0x14: return 'door';
    case 0x18: return flags.lw ? 'accident' : 'removing';
    case 0x19: return flags.lw ? 'hardAcceleration' : 'lowBattery';
    case 0x1a:
    case 0x27: return 'hardBraking';
    case 0x1b:
    case 0x2a:
    case 0x2b:
    case 0x2e: return 'hardCornering';
    case 0x23: return 'fallDown';
    case 0x26: return 'hardAcceleration';
    case 0x28: return flags.seeworld ? 'hardCornering' : flags.vl ? 'powerOff' : 'hardBraking';
    case 0x29: return flags.seeworld ? 'accident' : 'hardAcceleration';
    case 0x2c: return 'accident';
    case 0x30: return flags.vl ? 'hardBraking' : 'jamming';
    case 0x33: return 'lock';
    case 0x34: return 'unlock';
    case 0x53: return 'fuelLeak';
    case 0x5b:
    case 0x5c: return 'temperature';
    case 0xc9: return 'idle';
    case 0x0107:
    case 0x010b: return 'jamming';
    default: return undefined;
  }
}

/** Bits 3-5 of the terminal information byte. */
export function terminalInfoAlarm(bits: number, overspeedVariant: boolean): string | undefined {
  switch (bits) {
    case 1: return 'vibration';
    case 2: return 'powerCut';
    case 3: return 'lowBattery';
    case 4: return 'sos';
    case 6: return 'geofence';
    case 7: return overspeedVariant ? 'overspeed' : 'removing';
    default: return undefined;
  }
}

/** The event byte of the JC100/JC400 alarm message (0x95). */
export function dashcamEventAlarm(event: number, extended: boolean): string | undefined {
  switch (event) {
    case 0x01: return extended ? 'sos' : 'general';
    case 0x0e: return 'lowPower';
    case 0x76: return 'temperature';
    case 0x80: return 'vibration';
    case 0x87: return 'overspeed';
    case 0x88: return 'powerCut';
    case 0x90: return 'hardAcceleration';
    case 0x91: return 'hardBraking';
    case 0x92: return 'hardCornering';
    case 0x93: return 'accident';
    default: return undefined;
  }
}
