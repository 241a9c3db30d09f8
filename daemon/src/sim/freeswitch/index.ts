export { FreeSwitchEmulator, type FreeSwitchEmulatorOptions } from './emulator.js';
export { Phone, type PhoneBehaviour, type PhoneConfig } from './phone.js';
export type { ChannelSnapshot, EavesdropMode } from './channel.js';
export type { EmittedEvent } from './events.js';
