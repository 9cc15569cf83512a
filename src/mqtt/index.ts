/** The MQTT codec: packets ⇄ bytes and fields, for 3.1, 3.1.1 and 5.0. */
export { encode, encodeInto } from './encode.js';
export { decode, decodeAll } from './decode.js';
export { Decoder, type DecoderOptions } from './decoder.js';
export { connectFrom, type ConnectCredentials, type ConnectFromOptions } from './connect-from.js';
export { validTopicName, validTopicFilter } from './topic.js';
export {
  connackReturnCodes,
  subackReturnCodes,
  reasonCodes,
  packetReasonCodes,
  packetTypes,
  protocolNames,
  type ReasonCmd,
} from './constants.js';
export type * from './types.js';
