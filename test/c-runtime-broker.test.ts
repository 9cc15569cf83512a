// A firmware loop in C against a real mosquitto: the header from `mqtt-sign generic … --format c --runtime` and plain
// POSIX sockets. It logs in, subscribes, publishes three readings of different lengths (the last packet crosses 127
// bytes, so its Remaining Length takes two bytes), receives and parses the message this test publishes to its
// topic, answers it with a PUBACK, checks PINGRESP and disconnects. Bytes are read at most 7 at a time, as a modem's
// +IPD chunks arrive, so mqtt_frame_len sees packets split anywhere.
import { spawn, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { main } from '../src/cli/main.js';
import { fakeIo } from './helpers/fake-io.js';
import { buildC, SANITIZE, STRICT_C, tempDir } from './helpers/c-runtime.js';
import { startMosquitto, type Broker } from './helpers/mosquitto.js';
import { needsTools, whichTool } from './helpers/tools.js';

const tools = needsTools(['gcc', 'mosquitto', 'mosquitto_sub', 'mosquitto_pub']);
const dir = tempDir('c-broker');
let broker: Broker | undefined;
afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const READINGS = [
  '{"temp":23.4}',
  `{"temp":9,"note":"${'n'.repeat(60)}"}`,
  `{"temp":-1.5,"log":"${'x'.repeat(150)}"}`,
];
const DOWN = 'set temp=5 ✓';

/** The firmware: one socket, rx/tx buffers, the generated functions; prints what it saw, one line per step. */
const FIRMWARE = `#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "runtime.h"

static int fd;
static uint8_t rx[4096], tx[1024];
static size_t n;
static int got_message;

static void die(const char *why) { printf("error %s\\n", why); exit(1); }
static void send_all(const uint8_t *p, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w <= 0) die("write");
    p += w;
    len -= (size_t)w;
  }
}
/* Until rx starts with one whole packet; returns its length. */
static size_t next_packet(void) {
  for (;;) {
    size_t k = mqtt_frame_len(rx, n);
    ssize_t r;
    if (k == MQTT_FRAME_INVALID) die("frame");
    if (k != 0 && n >= k) return k;
    if (n == sizeof rx) die("rx full");
    r = read(fd, rx + n, sizeof rx - n < 7 ? sizeof rx - n : 7);
    if (r <= 0) die("closed");
    n += (size_t)r;
  }
}
static void drop(size_t k) { memmove(rx, rx + k, n - k); n -= k; }
/* A PUBLISH from the broker: print it, and PUBACK it at QoS 1. */
static void on_publish(size_t k) {
  struct mqtt_publish_view v;
  int rc = mqtt_parse_publish(rx, k, &v);
  if (rc != 0) die("parse_publish");
  printf("message %.*s %.*s qos %u id %u\\n", (int)v.topic_len, (const char *)v.topic, (int)v.payload_len, (const char *)v.payload, v.qos, v.packet_id);
  if (v.qos == 1) send_all(tx, mqtt_puback(tx, sizeof tx, v.packet_id));
  got_message = 1;
}
/* Handles packets until one of type want arrives; returns its length (still in rx). */
static size_t until(int want) {
  for (;;) {
    size_t k = next_packet();
    int type = mqtt_packet_type(rx, k);
    if (type == want) return k;
    if (type == MQTT_PUBLISH) on_publish(k);
    else die("unexpected packet");
    drop(k);
  }
}

int main(int argc, char **argv) {
  struct sockaddr_in to;
  const char *readings[3] = { ${READINGS.map((r) => JSON.stringify(r)).join(', ')} };
  uint8_t codes[4];
  uint16_t id = 0;
  size_t k, len;
  long count;
  int i;
  if (argc != 2) return 2;
  alarm(20);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)atoi(argv[1]));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) die("connect");

  send_all(mqtt_connect, MQTT_CONNECT_LEN);
  k = next_packet();
  printf("connack %d\\n", mqtt_connack_code(rx, k));
  drop(k);

  send_all(mqtt_subscribe, MQTT_SUBSCRIBE_LEN);
  k = until(MQTT_SUBACK);
  count = mqtt_suback_codes(rx, k, &id, codes, sizeof codes);
  printf("suback %ld id %u code %u\\n", count, id, codes[0]);
  drop(k);
  printf("subscribed\\n");
  fflush(stdout);

  for (i = 0; i < 3; i++) {
    /* The first at QoS 0, the others at QoS 1 with packet ids 10 and 11. */
    len = i == 0 ? mqtt_publish_fw_up(tx, sizeof tx, readings[i], strlen(readings[i]))
                 : mqtt_publish_fw_up_qos1(tx, sizeof tx, readings[i], strlen(readings[i]), (uint16_t)(9 + i));
    if (len == 0) die("publish");
    send_all(tx, len);
    printf("published %zu bytes, Remaining Length in %d byte(s)\\n", len, (tx[1] & 0x80) ? 2 : 1);
    if (i > 0) {
      k = until(MQTT_PUBACK);
      printf("puback %ld\\n", mqtt_puback_id(rx, k));
      drop(k);
    }
  }
  while (!got_message) {
    k = next_packet();
    if (mqtt_packet_type(rx, k) != MQTT_PUBLISH) die("expected the message");
    on_publish(k);
    drop(k);
  }
  send_all(mqtt_pingreq, MQTT_PINGREQ_LEN);
  k = until(MQTT_PINGRESP);
  printf("pingresp %d\\n", mqtt_packet_type(rx, k));
  drop(k);
  send_all(mqtt_disconnect, MQTT_DISCONNECT_LEN);
  close(fd);
  fflush(stdout);
  return 0;
}
`;

/** Runs a program, collecting stdout lines; `onLine` may react to them. Rejects on a non-zero exit. */
function run(cmd: string, args: readonly string[], onLine: (line: string) => void = () => {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
    const lines: string[] = [];
    let partial = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      partial += d.toString('utf8');
      for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        onLine(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${cmd} exited ${code}: ${lines.join('\n')}\n${err}`))));
  });
}

tools.test('a C firmware loop logs in, publishes 3 readings, parses a message pushed to it and gets PINGRESP', async () => {
  broker = await startMosquitto();
  const fake = fakeIo();
  const args = ['generic', '--host', '127.0.0.1', '--port', String(broker.port), '--client-id', 'fw-c-runtime', '--keepalive', '30',
    '--subscribe', 'fw/down=1', '--publish', 'fw/up', '--qos', '1', '--disconnect', '--format', 'c', '--runtime'];
  expect(await main(args, fake.io), fake.stderr()).toBe(0);
  const exe = buildC(dir, fake.stdout(), FIRMWARE, [...STRICT_C.filter((f) => f !== '-pedantic'), ...SANITIZE]);

  // Someone listening on the device's publish topic, subscribed before the device starts.
  const sub = run(whichTool('mosquitto_sub')!, ['-h', '127.0.0.1', '-p', String(broker.port), '-i', 'fw-listener', '-t', 'fw/up', '-C', '3', '-W', '20']);
  for (let waited = 0; !broker.log().includes('Received SUBSCRIBE from fw-listener'); waited += 50) {
    if (waited > 10_000) throw new Error(`mosquitto_sub did not subscribe:\n${broker.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pub = (): void => {
    execFileSync(whichTool('mosquitto_pub')!, ['-h', '127.0.0.1', '-p', String(broker!.port), '-t', 'fw/down', '-q', '1', '-m', DOWN]);
  };
  const firmware = await run(exe, [String(broker.port)], (line) => {
    if (line === 'subscribed') pub();
  });

  // 1 type byte + Remaining Length field + topic (2 + "fw/up") + packet id at QoS 1 + payload.
  const rest = READINGS.map((r, i) => 2 + 5 + (i > 0 ? 2 : 0) + Buffer.byteLength(r));
  const lengths = rest.map((r) => 1 + (r > 127 ? 2 : 1) + r);
  expect(rest.map((r) => r > 127)).toEqual([false, false, true]);
  // The pushed message may arrive between any two steps; the rest comes in order.
  const message = firmware.filter((line) => line.startsWith('message '));
  expect(message).toHaveLength(1);
  expect(message[0]).toMatch(new RegExp(`^message fw/down ${DOWN} qos 1 id [1-9]\\d*$`));
  expect(firmware.filter((line) => !line.startsWith('message '))).toEqual([
    'connack 0',
    'suback 1 id 2 code 1', // the SUBSCRIBE's id: 1 is the --message-id default the PUBLISH would take
    'subscribed',
    `published ${lengths[0]} bytes, Remaining Length in 1 byte(s)`,
    `published ${lengths[1]} bytes, Remaining Length in 1 byte(s)`,
    'puback 10',
    `published ${lengths[2]} bytes, Remaining Length in 2 byte(s)`,
    'puback 11',
    'pingresp 13',
  ]);
  expect(await sub).toEqual(READINGS);
}, 60_000);
