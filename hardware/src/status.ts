// Device status for health and the UI: every device (the GPIO controller, each
// I2C chip) reports one of these; the Board aggregates them.

export type DeviceState = 'starting' | 'ok' | 'fault' | 'stopped';

export interface DeviceStatus {
  status: DeviceState;
  /** What a technician should read: "MCP23017 at 0x20 on bus 1 does not answer". */
  detail: string;
  /** Clock time of the last change of `status`. */
  since: number;
}
