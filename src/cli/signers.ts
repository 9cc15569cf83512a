/**
 * The signer a run names, loaded alone: each platform is its own chunk of the CLI bundle, so a sign run reads and
 * compiles one platform's code rather than eight (issue 15). The library's registry (src/platforms/index.ts) keeps
 * them all; test/platforms.test.ts checks both give the same signers.
 */
import type { PlatformId } from '../platforms/names.js';
import type { Signer } from '../platforms/types.js';

const LOADERS: Readonly<Record<PlatformId, () => Promise<{ default: Signer }>>> = {
  aliyun: () => import('../platforms/aliyun.js'),
  onenet: () => import('../platforms/onenet.js'),
  'onenet-legacy': () => import('../platforms/onenet-legacy.js'),
  huawei: () => import('../platforms/huawei.js'),
  tencent: () => import('../platforms/tencent.js'),
  azure: () => import('../platforms/azure.js'),
  baidu: () => import('../platforms/baidu.js'),
  generic: () => import('../platforms/generic.js'),
};

export async function loadSigner(id: PlatformId): Promise<Signer> {
  return (await LOADERS[id]()).default;
}
