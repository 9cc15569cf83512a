/**
 * Every platform's id, title and the aliases users type, without loading a signer: the CLI reads a command line and
 * lists the commands with these, and loads the one signer a run names (src/cli/signers.ts). test/platforms.test.ts
 * keeps them equal to the registry.
 */
export const PLATFORM_IDS = ['aliyun', 'onenet', 'onenet-legacy', 'huawei', 'tencent', 'azure', 'baidu', 'generic'] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

/** Each platform's title, as --help lists the commands (the signer's `title`: each signer reads it from here). */
export const PLATFORM_TITLES: Readonly<Record<PlatformId, string>> = {
  aliyun: 'Aliyun IoT Platform (阿里云物联网平台)',
  onenet: 'China Mobile OneNET (OneNET 物联网开放平台)',
  'onenet-legacy': 'China Mobile OneNET, legacy MQTT access (多协议接入)',
  huawei: 'Huawei Cloud IoTDA (华为云设备接入)',
  tencent: 'Tencent Cloud IoT Hub / IoT Explorer (PSK, 腾讯云)',
  azure: 'Azure IoT Hub (SAS token)',
  baidu: 'Baidu AI Cloud IoT Core (百度智能云物联网核心套件)',
  generic: 'Any MQTT broker: mosquitto, EMQX, ThingsBoard (plain credentials)',
};

/** Plain brokers users name by product; all take plain credentials (PLATFORMS.md §8). */
export const aliases: Readonly<Record<string, PlatformId>> = {
  mosquitto: 'generic',
  emqx: 'generic',
  thingsboard: 'generic',
  hivemq: 'generic',
};

/** The platform id a word names (an id or an alias), or undefined; own keys only, so "toString" names nothing. */
export function platformIdOf(word: string): PlatformId | undefined {
  if (Object.hasOwn(aliases, word)) return aliases[word];
  return (PLATFORM_IDS as readonly string[]).includes(word) ? (word as PlatformId) : undefined;
}
