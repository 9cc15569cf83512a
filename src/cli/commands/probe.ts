import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Registers `mqtt-sign probe`. Owner: see the issue for probe. */
export function registerProbe(_program: Command, _ctx: CliContext): void {}
