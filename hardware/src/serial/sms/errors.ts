// The one error type of the SMS PDU codec. Every malformed PDU, and every
// input the encoders refuse, surfaces as a PduError — never a RangeError from
// an out-of-range read or a TypeError from an undefined octet — so a caller
// can log it with the offending hex and carry on.

export class PduError extends Error {
  /** 0-based octet offset into the PDU (counting the SMSC field) where decoding failed, when known. */
  readonly octet: number | undefined;

  constructor(message: string, octet?: number) {
    super(octet === undefined ? message : `${message} (at octet ${octet})`);
    this.name = 'PduError';
    this.octet = octet;
  }
}
