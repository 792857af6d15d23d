export type AttributeValue = number | string | boolean;

/** A GNSS fix as the packet states it; `valid` is the device's own "positioned" flag. */
export interface Gt06Fix {
  latitude: number;
  longitude: number;
  valid: boolean;
  speedKph?: number;
  courseDeg?: number;
  satellites?: number;
  altitudeM?: number;
}

/**
 * What one GT06 message says, in Traccar's vocabulary (attribute and alarm names), before it is
 * mapped to canonical telemetry. Decoders fill it through the methods so that the decisions the
 * mapping needs (is this voltage the vehicle's supply? is this a temperature probe?) are made
 * where the field is read.
 */
export class Gt06Report {
  /** The IMEI a login message states. */
  imei?: string;
  /** Epoch ms (UTC) of the date-time the packet carries, when it carries one. */
  time?: number;
  fix?: Gt06Fix;
  /** Vehicle supply voltage (Traccar's `power` where it is the vehicle's). */
  vehiclePowerV?: number;
  /** Dedicated temperature probes, by Traccar index (temp1 is [0]). */
  readonly probeTempsC: number[] = [];
  readonly alarms: string[] = [];
  readonly attributes: Record<string, AttributeValue> = {};

  constructor(readonly protocol: number) {}

  set(key: string, value: AttributeValue | undefined): this {
    if (value !== undefined) this.attributes[key] = value;
    return this;
  }

  alarm(name: string | undefined): this {
    if (name && !this.alarms.includes(name)) this.alarms.push(name);
    return this;
  }

  vehiclePower(volts: number): this {
    this.vehiclePowerV = volts;
    return this;
  }

  fixAltitude(meters: number): this {
    if (this.fix) this.fix.altitudeM = meters;
    return this;
  }

  probeTemp(celsius: number, index = 1): this {
    this.probeTempsC[index - 1] = celsius;
    return this;
  }
}
