/**
 * The registry: platform id → signer. Aliases live only here.
 * test/platforms.test.ts keeps this map and the files in src/platforms/ in step.
 */
import { UsageError } from '../errors.js';
import type { Signer } from './types.js';

export const platforms: Readonly<Record<string, Signer>> = {
};

export const aliases: Readonly<Record<string, string>> = {
};

export function getSigner(id: string): Signer {
  const key = aliases[id] ?? id;
  const signer = platforms[key];
  if (!signer) throw new UsageError('platform.unknown', { option: 'platform', value: id, allowed: Object.keys(platforms).join(', ') });
  return signer;
}

export type * from './types.js';
