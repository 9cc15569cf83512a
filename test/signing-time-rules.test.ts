// Issue 11 items 4 and 5 through the CLI (in-process and spawned, en and zh): the clouds' protocol rules as lint
// lines, an explicit expiry in the past signed with one `expired` warning, --now fixing the clock, and one expiry
// warning per credential that names the flags changing it.
import { describe, expect, test } from 'vitest';
import { both, LANGS, templatePattern, type Expected } from './helpers/cli-both.js';

const NOW = '2024-06-15T13:00:00Z';
const NOW_S = 1718456400;
const ALIYUN = ['aliyun', '--product', 'a1X2bEnP82z', '--device', 'example1', '--secret', 'ga7XA6KdlEeiPXQPpRbAjOZXwG8ydgSe', '--tls', '--format', 'hex'];
const TENCENT = ['tencent', '--product', 'ABCDEF1234', '--device', 'dev001', '--psk', 'MDEyMzQ1Njc4OWFiY2RlZg==', '--conn-id', 'AB123', '--format', 'hex'];
const AZURE = ['azure', '--hub', 'myiothub', '--device', 'my_device', '--key', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', '--format', 'hex'];
const ONENET = ['onenet', '--product', 'Ck2AF9QD2K', '--device', 'test', '--key', 'KuF3NT/jUBJ62LNBB/A8XZA9CqS3Cu79B/ABmfA1UCw=', '--format', 'hex'];
const BAIDU = ['baidu', '--iotcore', 'abcd123', '--device', 'mydevice', '--secret', 'ImSeCrEt0I1M2jkl', '--format', 'hex'];

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

interface Row {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exit: number;
  /** Lines that must appear on stderr. */
  readonly expected: readonly Expected[];
  /** Catalogue codes whose line must not appear, whatever its params. */
  readonly absent?: readonly string[];
  /** How many warning/note lines mention the expiry (one per credential). */
  readonly expiryLines?: number;
}

const ROWS: readonly Row[] = [
  // Item 5: time.
  { name: 'tencent: --expires in the past signs (exit 0) and warns expired', argv: [...TENCENT, '--now', NOW, '--expires', '1700000000'], exit: 0, expected: [['expired', { expiresAt: iso(1700000000), option: '--expires' }]], expiryLines: 1 },
  { name: 'azure: --expires in the past signs and warns expired', argv: [...AZURE, '--now', NOW, '--expires', String(NOW_S - 1)], exit: 0, expected: [['expired', { expiresAt: iso(NOW_S - 1), option: '--expires' }]], expiryLines: 1 },
  { name: 'onenet: et now is already expired', argv: [...ONENET, '--now', NOW, '--expires', String(NOW_S)], exit: 0, expected: [['expired', { expiresAt: iso(NOW_S), option: '--expires' }]], expiryLines: 1 },
  { name: 'baidu: a timestamp an hour back has expired; one warning, naming --timestamp', argv: [...BAIDU, '--now', NOW, '--timestamp', String(NOW_S - 3600)], exit: 0, expected: [['expired', { expiresAt: iso(NOW_S - 3000), option: '--timestamp' }]], expiryLines: 1 },
  { name: 'tencent: the default one-hour TTL names the flags that change it', argv: [...TENCENT, '--now', NOW], exit: 0, expected: [['lint.expiry.soon', { expiresAt: iso(NOW_S + 3600), hours: 1, options: '--expires, --ttl, --static' }]], expiryLines: 1 },
  { name: 'azure: the default TTL names --expires and --ttl', argv: [...AZURE, '--now', NOW], exit: 0, expected: [['lint.expiry.soon', { expiresAt: iso(NOW_S + 3600), hours: 1, options: '--expires, --ttl' }]], expiryLines: 1 },
  { name: 'baidu: ts = now gives one expiry line, not two', argv: [...BAIDU, '--now', NOW], exit: 0, expected: [['lint.expiry.soon', { expiresAt: iso(NOW_S + 600), hours: 0.2, options: '--timestamp, --timestamp 0' }]], expiryLines: 1 },
  { name: '--now as Unix seconds, before the command', argv: ['--now', String(NOW_S), ...TENCENT], exit: 0, expected: [['lint.expiry.soon', { expiresAt: iso(NOW_S + 3600), hours: 1, options: '--expires, --ttl, --static' }]] },
  { name: '--now=ISO with an offset', argv: [...TENCENT, `--now=2024-06-15T21:00:00+08:00`], exit: 0, expected: [['lint.expiry.soon', { expiresAt: iso(NOW_S + 3600), hours: 1, options: '--expires, --ttl, --static' }]] },
  { name: '--now a date only (midnight UTC)', argv: [...TENCENT, '--now', '2024-06-15'], exit: 0, expected: [['lint.expiry.soon', { expiresAt: '2024-06-15T01:00:00.000Z', hours: 1, options: '--expires, --ttl, --static' }]] },
  { name: '--now without a zone is refused', argv: [...TENCENT, '--now', '2024-06-15T13:00:00'], exit: 2, expected: [['cli.now.format', { value: '2024-06-15T13:00:00' }]] },
  { name: '--now 30 February is refused', argv: [...TENCENT, '--now', '2024-02-30'], exit: 2, expected: [['cli.now.format', { value: '2024-02-30' }]] },
  { name: '--now in milliseconds is refused', argv: [...TENCENT, '--now', '1718456400000'], exit: 2, expected: [['cli.now.format', { value: '1718456400000' }]] },
  { name: '--now without a value', argv: [...TENCENT, '--now'], exit: 2, expected: [['cli.now.format', { value: '' }]] },

  // Item 4: the clouds' rules.
  { name: 'aliyun: QoS 2, retain and a will are warned about', argv: [...ALIYUN, '--now', NOW, '--publish', '/a1X2bEnP82z/example1/user/update', '--qos', '2', '--retain', '--will-topic', '/a1X2bEnP82z/example1/user/will'], exit: 0, expected: [['lint.qos.unsupported', { qos: 2, allowed: '0, 1' }], ['lint.retain.unsupported'], ['lint.will.unsupported']] },
  { name: 'aliyun: a SUBSCRIBE QoS is noted as ignored, not refused', argv: [...ALIYUN, '--now', NOW, '--subscribe', '/a1X2bEnP82z/example1/user/get=2'], exit: 0, expected: [['lint.subscribe.qosIgnored']], absent: ['lint.qos.unsupported'] },
  { name: 'aliyun: MQTT 5.0 on a legacy host is warned about', argv: [...ALIYUN, '--now', NOW, '--protocol', '5'], exit: 0, expected: [['lint.protocol.unsupported', { version: '5.0', allowed: '3.1, 3.1.1' }]] },
  { name: 'aliyun: MQTT 5.0 on an instance is fine', argv: [...ALIYUN, '--now', NOW, '--protocol', '5', '--instance', 'iot-06z00ax1o4xxxxx'], exit: 0, expected: [], absent: ['lint.protocol.unsupported'] },
  { name: 'azure: keepalive 1178 s is above the hub\'s 1177', argv: [...AZURE, '--now', NOW, '--keepalive', '1178'], exit: 0, expected: [['lint.keepalive.range', { keepalive: 1178, min: 0, max: 1177 }]] },
  { name: 'azure: keepalive 1177 s is fine', argv: [...AZURE, '--now', NOW, '--keepalive', '1177'], exit: 0, expected: [], absent: ['lint.keepalive.range'] },
  { name: 'azure: a QoS 2 PUBLISH closes the connection', argv: [...AZURE, '--now', NOW, '--publish', 'telemetry', '--qos', '2'], exit: 0, expected: [['lint.qos.disconnect', { qos: 2, allowed: '0, 1' }]] },
];

describe.each(LANGS)('%s', (lang) => {
  test.each(ROWS)('$name', async (row) => {
    const runs = await both(row.argv, lang, row.exit, row.expected);
    for (const run of runs) {
      for (const code of row.absent ?? []) expect(run.stderr).not.toMatch(templatePattern(code, lang));
      if (row.expiryLines !== undefined) {
        const words = lang === 'en' ? /expire/ : /过期/;
        expect(run.stderr.split('\n').filter((l) => words.test(l)).length, run.stderr).toBe(row.expiryLines);
      }
    }
  });
});
