/** The public surface of mqtt-sign: re-exports only. */
export * from './errors.js';
export type { Lang } from './messages.js';
export { sign } from './platforms/sign.js';
export { platforms, getSigner } from './platforms/index.js';
export { lintConnect } from './platforms/lint.js';
export type * from './platforms/types.js';
export * from './mqtt/index.js';
export { decoderStream } from './stream.js';
export { parseHexInput } from './capture/hex-input.js';
export { readCapture, readInput, decodeBytes, type InputKind, type ReadOptions } from './capture/read.js';
export { captureFormat } from './capture/sniff.js';
export type { CapturedPacket, Direction } from './capture/packet.js';
export type { Problem } from './capture/diagnose.js';
export { renderTable, type TableOptions } from './format/table.js';
export { format, formats, formatTable, sizes, sizeReport } from './format/index.js';
export type { FormatStyle, FormatInput, FormatOptions, Formatted, Formatter, Endpoint, Login, Modem, Notice, NamedPacket, Paint, SizeSummary, PacketSize } from './format/index.js';
export { probe, parseTarget, probeReport, probeText, connackMeaning, connackCause, TransportError } from './probe/index.js';
export type { Transport, Link, Clock, TlsFacts, ResolvedAddress, ProbeTarget, ProbeOptions, ProbeResult, ProbeReport, StepResult } from './probe/index.js';
