/**
 * Typed errors. The core throws them, the edge (src/cli) prints them once.
 * A message is rendered from the catalogue by code, so the CLI can re-render it in the user's language.
 * Exit codes: 2 = we could not do what was asked (bad flags, invalid packet to encode, unreadable input);
 *             1 = the check ran and failed (malformed capture, signature mismatch, broker refused).
 */
import { hint, message, type Lang, type Params } from './messages.js';
import { termSafeParams } from './terminal-text.js';

export type ExitCode = 1 | 2;

export class MqttSignError extends Error {
  override readonly name: string = 'MqttSignError';
  readonly code: string;
  readonly params: Params;
  readonly exitCode: ExitCode;

  /** Set only when something assigns `.message`; otherwise the sentence is rendered from the catalogue when read. */
  #message: string | undefined;

  constructor(code: string, params: Params = {}, exitCode: ExitCode = 2, options?: { cause?: unknown }) {
    // No message given to Error: it is formatted on first read (see the getter), because decoding throws and catches
    // these by the million on a broken stream (each a "no" to one candidate), and most are never read.
    super(undefined, options);
    this.code = code;
    this.params = params;
    this.exitCode = exitCode;
  }

  override get message(): string {
    return (this.#message ??= message(this.code, this.params));
  }

  override set message(text: string) {
    this.#message = text;
  }

  /**
   * The message and optional hint in the given language. `terminal`: for a terminal, each param (the user's or
   * the network's value) escaped and cut on its own (src/terminal-text.ts), so the sentence around it survives.
   */
  localized(lang: Lang, terminal = false): { message: string; hint: string | undefined } {
    const params = terminal ? termSafeParams(this.params) : this.params;
    return { message: message(this.code, params, lang), hint: hint(this.code, params, lang) };
  }

  get hint(): string | undefined {
    return hint(this.code, this.params);
  }
}

/** Bad input from the user: a missing or malformed option or parameter. params.option names it. */
export class UsageError extends MqttSignError {
  override readonly name: string = 'UsageError';
  constructor(code: string, params: Params = {}, options?: { cause?: unknown }) {
    super(code, params, 2, options);
  }
}

/** A packet that would be invalid on the wire; nothing is emitted. params: field, value, rule. */
export class EncodeError extends MqttSignError {
  override readonly name: string = 'EncodeError';
  readonly field: string;
  readonly rule: string | undefined;
  constructor(code: string, params: Params & { field: string; rule?: string }) {
    super(code, params, 2);
    this.field = params.field;
    this.rule = params.rule;
  }
}

/** Malformed bytes. params: field, offset (byte offset into the input), rule (e.g. MQTT-3.1.2-22). */
export class DecodeError extends MqttSignError {
  override readonly name: string = 'DecodeError';
  readonly field: string;
  readonly offset: number;
  readonly rule: string | undefined;
  constructor(code: string, params: Params & { field: string; offset: number; rule?: string }) {
    super(code, params, 1);
    this.field = params.field;
    this.offset = params.offset;
    this.rule = params.rule;
  }
}
