// The GSM modem driver's public API (3GPP TS 27.007 / 27.005 over the AT engine).
//
//   const link = new SerialPortLink({ path: '/dev/ttyUSB2', baudRate: 115200, log: log.child({ ns: 'lines:gsm:serial' }) });
//   const engine = new AtEngine(link, { log: log.child({ ns: 'lines:gsm:at' }) });
//   const gsm = new GsmModem(engine, link, { id: 'gsm0', log: log.child({ ns: 'lines:gsm' }), pins });   // pins: a durable PinMemory
//   gsm.onSms(async (sms) => store.saveSms(sms));   // deleted from the modem only after this resolves
//   gsm.on('status', (s) => …); gsm.on('delivery', (r) => …); gsm.on('call', (c) => …);
//   gsm.start();                                   // starts engine and link; never throws
//   await gsm.sendSms('+8613800000000', 'Alarm: point 3', { statusReport: true });   // { ok, refs } | { ok: false, error }
//   await gsm.ussd('*100#');                        // { ok, text } | { ok: false, error }
//   await gsm.stop();
export { GsmModem } from './gsm-modem.js';
export { ConfiguredPin, type PinDecision, type PinMemory } from './pin-memory.js';
export type { SendSmsOptions } from './sms-sender.js';
export type {
  BadPdu,
  CallEvent,
  CallResult,
  DeliveryReport,
  GsmFault,
  GsmFaultCode,
  GsmModemContext,
  GsmModemEvents,
  GsmState,
  GsmStatus,
  SendSmsResult,
  SentPart,
  SimState,
  SmsHandler,
  UssdResult,
} from './types.js';
export { barsForDbm, parseCsq, parseRegistration, rssiToDbm, registrationFromStat, type Registration, type SignalQuality } from './signal.js';
export { parseCusd } from './ussd.js';
