import { engineSchema, harshEventSchema, positionSchema, type Dtc, type Reading } from '../../telemetry/schema';

type Engine = NonNullable<Reading['engine']>;
type Position = NonNullable<Reading['position']>;
type HarshKind = NonNullable<Reading['harsh']>[number]['kind'];
export type AttributeValue = number | string | boolean;

/** The canonical schema's limit on a string attribute. */
const MAX_ATTRIBUTE_TEXT = 1024;

/** The harsh kinds Teltonika's green-driving value (IO 254) measures, in g × 100. */
const GREEN_DRIVING_KINDS: readonly HarshKind[] = ['acceleration', 'braking', 'cornering'];

/**
 * Collects what one record says into a canonical Reading. Every canonical value is checked
 * against the canonical schema's own field, so a value the schema would refuse (a 65535 rpm
 * sentinel, a -128 °C "no data") is reported as not taken and the caller keeps it as a raw
 * attribute instead of the whole message being refused downstream.
 */
export class ReadingBuilder {
  private readonly attributes: Record<string, AttributeValue> = {};
  private readonly engine: Engine = {};
  private readonly alarms: string[] = [];
  private readonly harsh: HarshKind[] = [];
  private greenDrivingG: number | undefined;
  private readonly cargoTemps = new Map<number, number>();
  private dtcs: Dtc[] | undefined;
  private doorOpen: boolean | undefined;

  constructor(private readonly position?: Position) {}

  /** Sets an attribute; non-finite numbers and strings over the schema's limit are not kept. */
  attribute(name: string, value: AttributeValue): void {
    if (typeof value === 'number' && !Number.isFinite(value)) return;
    if (typeof value === 'string' && value.length > MAX_ATTRIBUTE_TEXT) return;
    this.attributes[name] = value;
  }

  hasAttribute(name: string): boolean {
    return name in this.attributes;
  }

  engineValue<K extends keyof Engine>(key: K, value: Engine[K]): boolean {
    if (!engineSchema.shape[key].safeParse(value).success) return false;
    this.engine[key] = value;
    return true;
  }

  /** Replaces a field of the record's position; false when there is no position or it is out of range. */
  positionValue<K extends keyof Position>(key: K, value: Position[K]): boolean {
    if (!this.position || !positionSchema.shape[key].safeParse(value).success) return false;
    this.position[key] = value;
    return true;
  }

  /** Traccar's addAlarm: several alarms on one record are joined with commas. */
  alarm(name: string): void {
    if (!this.alarms.includes(name)) this.alarms.push(name);
  }

  harshEvent(kind: HarshKind): void {
    if (!this.harsh.includes(kind)) this.harsh.push(kind);
  }

  greenDrivingValue(g: number): boolean {
    if (!harshEventSchema.shape.g.safeParse(g).success) return false;
    this.greenDrivingG = g;
    return true;
  }

  cargoTemp(sensor: number, celsius: number): void {
    this.cargoTemps.set(sensor, celsius);
  }

  setDtcs(dtcs: Dtc[]): void {
    this.dtcs = dtcs;
  }

  setDoorOpen(open: boolean): void {
    this.doorOpen = open;
  }

  build(): Reading {
    const reading: Reading = {};
    if (this.position) reading.position = this.position;
    if (Object.keys(this.engine).length > 0) reading.engine = this.engine;
    if (this.harsh.length > 0) {
      reading.harsh = this.harsh.map((kind) =>
        this.greenDrivingG !== undefined && GREEN_DRIVING_KINDS.includes(kind) ? { kind, g: this.greenDrivingG } : { kind },
      );
    }
    if (this.cargoTemps.size > 0) {
      reading.cargoTempC = [...this.cargoTemps.entries()].sort(([a], [b]) => a - b).map(([, celsius]) => celsius);
    }
    if (this.dtcs && this.dtcs.length > 0) reading.dtcs = this.dtcs;
    if (this.doorOpen !== undefined) reading.doorOpen = this.doorOpen;
    if (this.alarms.length > 0) this.attributes.alarm = this.alarms.join(',');
    if (Object.keys(this.attributes).length > 0) reading.attributes = this.attributes;
    return reading;
  }
}
