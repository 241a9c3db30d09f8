// SMS PDU codec (3GPP TS 23.040, 23.038): pure functions, no I/O.

export type { ConcatInfo, DecodedSubmit, DeliverPdu, Encoding, ReceivedSms, StatusReportPdu, SubmitPdu, SubmitValidity } from './types.js';
export { PduError } from './errors.js';
export { canEncodeGsm7, decodeGsm7, encodeGsm7, gsm7SeptetCount, packSeptets, unpackSeptets } from './gsm7.js';
export { decodeUcs2, encodeUcs2 } from './ucs2.js';
export { isPhoneNumber } from './address.js';
export { bytesToHex, hexToBytes, tpduLength } from './reader.js';
export { encodeSubmit, type SubmitOptions } from './submit.js';
export { decodePdu, decodeSubmit, type DecodeOptions } from './deliver.js';
export { encodeDeliver, encodeStatusReport, type DeliverOptions, type StatusReportOptions } from './encode-deliver.js';
export { MISSING_PART_MARK, Reassembler, type PartialSms, type ReassemblerOptions } from './reassembly.js';
