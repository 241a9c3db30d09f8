// The AT command layer's public API (3GPP TS 27.007 / 27.005 over a SerialLink).
//
//   const link = new SerialPortLink({ path: '/dev/ttyUSB2', baudRate: 115200, log: log.child({ ns: 'lines:gsm:serial' }) });
//   const at = new AtEngine(link, { log: log.child({ ns: 'lines:gsm:at' }) });
//   at.on('urc', (u) => …);            // RING, +CMTI, +CMT (u.pdu), +CREG, NO CARRIER, UNDER-VOLTAGE …
//   link.on('open', () => initModem());  // after every (re)open: ATE0, AT+CMEE=1, …
//   at.start(); link.start();
//   const r = await at.send('AT+CSQ', { prefix: '+CSQ:' });   // ok | error | timeout | disconnected
export type { AtResult, AtCommandOptions, Urc } from './types.js';
export { AtEngine, refuseReason, type AtEngineContext, type AtEngineEvents } from './engine.js';
export { LineSplitter, type AtToken, type LineSplitterOptions } from './line-splitter.js';
export { classifyUrc, responsePrefix, isCallCommand, CALL_RESULTS, type InFlight, type UrcMatch, type CommandForm } from './urc.js';
export {
  parseErrorLine,
  cmeMessage,
  cmsMessage,
  CME_ERRORS,
  CMS_ERRORS,
  CMS_NETWORK_CAUSES,
  CMS_TP_FAILURE_CAUSES,
  type ParsedError,
} from './errors.js';
