// The hardware layer's public API (what daemon services import).
export { Board, type BoardContext, type HardwareEvent, type HardwareHealth, type InputEventKind } from './board.js';
export { RealDeviceFactory, SimDeviceFactory, type DeviceFactory } from './devices.js';
export { loadBoardProfile, BUILTIN_PROFILES } from './boards/load.js';
export { boardProfileSchema, parseBoardProfile, BoardProfileError, type BoardProfile, type BoardProfileInput } from './boards/schema.js';
export { type Pattern, ON, OFF, Output } from './gpio/output.js';
export { GpioUnavailableError, type GpioLine, type Level } from './gpio/line.js';
export { DebouncedInput, type DebounceOptions } from './gpio/debounced-input.js';
export { classifyLoop, loopVoltages, DEFAULT_THRESHOLDS, DEFAULT_WIRING, type LoopState, type LoopThresholds } from './i2c/supervised-loop.js';
export type { DeviceStatus, DeviceState } from './status.js';
export { systemClock, type Clock } from './clock.js';
