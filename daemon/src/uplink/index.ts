// The MQTT uplink to central: what the composition root and services use.
export { UplinkClient, uplinkOptionsFrom, type UplinkDeps, type UplinkOptions } from './uplink-client.js';
export { CommandRegistry, MAX_COMMAND_BYTES, type CommandHandler, type CommandResult, type CommandStats } from './commands.js';
export { fingerprint, signCommand, verifyCommand, type CentralKey, type SignOptions } from './command-auth.js';
export type { Backlog } from './builtin-commands.js';
export { DROPPED_KEY, enforceRetention, type Dropped } from './retention.js';
