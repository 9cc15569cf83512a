import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Registers `mqtt-sign verify`. Owner: see the issue for verify. */
export function registerVerify(_program: Command, _ctx: CliContext): void {}
