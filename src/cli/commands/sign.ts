import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Registers one command per platform signer (aliyun, onenet, …) from the registry's params. */
export function registerSignCommands(_program: Command, _ctx: CliContext): void {}
