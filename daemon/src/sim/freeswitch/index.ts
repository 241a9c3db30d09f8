export { FreeSwitchEmulator, type FreeSwitchEmulatorOptions } from './emulator.js';
export { Phone, type PhoneBehaviour, type PhoneConfig } from './phone.js';
export type { ChannelSnapshot, EavesdropMode } from './channel.js';
export type { EmittedEvent } from './events.js';
export { freeswitchConfigOf, readFreeswitchConfig, type FreeswitchConfig } from './fs-config.js';
export { SimGateway, type GatewayCallBehaviour, type ReceivedCall } from './gateways.js';
