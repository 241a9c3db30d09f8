// The MQTT uplink to central: what the composition root and services use.
export { UplinkClient, uplinkOptionsFrom, type UplinkDeps, type UplinkOptions } from './uplink-client.js';
export { CommandRegistry, MAX_COMMAND_BYTES, type CommandHandler, type CommandResult } from './commands.js';
export type { Backlog } from './builtin-commands.js';
export { DROPPED_KEY, enforceRetention, type Dropped } from './retention.js';
