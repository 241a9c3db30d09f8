// The wire records of Callpoint: HTTP bodies and answers, server-sent events,
// MQTT topics and payloads. At the bottom of the import graph: this folder
// imports zod and nothing else of ours. The web UI imports its types from
// here type-only, and plain values from values.ts (no zod in its bundle).
export * from './values.js';
export * from './patterns.js';
export * from './errors.js';
export * from './phrase.js';
export * from './health.js';
export * from './accounts.js';
export * from './alarms.js';
export * from './calls.js';
export * from './faults.js';
export * from './board.js';
export * from './lines.js';
export * from './registrations.js';
export * from './logs.js';
export * from './maintenance.js';
export * from './routing.js';
export * from './sse.js';
export * from './mqtt.js';
export * from './commands.js';
export * from './config.js';
export * from './walk-test.js';
export * from './desk.js';
