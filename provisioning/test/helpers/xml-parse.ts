// The strict XML parser the FreeSWITCH emulator reads configuration with, for the generator tests.
export * from '../../../daemon/src/sim/freeswitch/xml-parse.js';
