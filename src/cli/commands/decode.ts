import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Registers `mqtt-sign decode`. Owner: see the issue for decode. */
export function registerDecode(_program: Command, _ctx: CliContext): void {}
