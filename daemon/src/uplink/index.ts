// The MQTT uplink to central: what the composition root and services use.
export { UplinkClient, uplinkOptionsFrom, type UplinkDeps, type UplinkOptions } from './uplink-client.js';
export { CommandRegistry, MAX_COMMAND_BYTES, type CommandContext, type CommandHandler, type CommandResult, type ResultMessage } from './commands.js';
export type { Backlog, PbxCommands } from './builtin-commands.js';
export { DROPPED_KEY, enforceRetention, type Dropped } from './retention.js';
