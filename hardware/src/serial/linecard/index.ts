// The line-card driver's public API (protocol: hardware/README.md).
export { LineCard } from './line-card.js';
export type { LineCardContext, LineCardCounters, LineCardEvents, LineCardResult, PortState } from './types.js';
export { LINE_CUT_BELOW_V, type FaultCode, type LineCardFault } from './faults.js';
export {
  checksum,
  encodeError,
  encodeEvent,
  encodeReply,
  encodeRequest,
  frame,
  parseLine,
  MAX_LINE,
  MAX_PORTS,
  type CardEvent,
  type CardIdentity,
  type FxoLine,
  type FxsHook,
  type Message,
  type PortKind,
  type PortReport,
  type Reply,
  type Request,
} from './protocol.js';
export { LineSplitter } from './line-splitter.js';
