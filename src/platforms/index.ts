/**
 * The registry: platform id → signer (ids and aliases without the signers: names.ts).
 * test/platforms.test.ts keeps this map and the files in src/platforms/ in step.
 */
import { UsageError } from '../errors.js';
import type { Signer } from './types.js';
import { aliases } from './names.js';
import aliyun from './aliyun.js';
import huawei from './huawei.js';
import onenet from './onenet.js';
import onenetLegacy from './onenet-legacy.js';
import tencent from './tencent.js';
import azure from './azure.js';
import baidu from './baidu.js';
import generic from './generic.js';

export const platforms: Readonly<Record<string, Signer>> = {
  aliyun,
  onenet,
  'onenet-legacy': onenetLegacy,
  huawei,
  tencent,
  azure,
  baidu,
  generic,
};

export { aliases } from './names.js';

export function getSigner(id: string): Signer {
  if (typeof id !== 'string') throw new UsageError('platform.unknown', { option: 'platform', value: String(id), allowed: Object.keys(platforms).join(', ') });
  const key = Object.hasOwn(aliases, id) ? aliases[id]! : id;
  // Own keys only: "toString" must not find Object.prototype's.
  const signer = Object.hasOwn(platforms, key) ? platforms[key] : undefined;
  if (!signer) throw new UsageError('platform.unknown', { option: 'platform', value: id, allowed: Object.keys(platforms).join(', ') });
  return signer;
}

export type * from './types.js';
