/**
 * `--modem` names: the dialects this tool writes, and the modules users name, each mapped to the dialect that
 * module really speaks. Sources per row: the vendors' AT manuals cited in at.ts, at-esp.ts, at-quectel.ts and
 * at-simcom.ts; the reasoning and what is unverified is in docs/modems.md.
 */

/** Raw TCP dialects: open a socket, send the packet bytes. */
export const RAW_DIALECTS = ['esp8266', 'sim800', 'sim7600', 'quectel'] as const;
/** The modems' own MQTT command sets. */
export const MQTT_DIALECTS = ['esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'] as const;

export type RawDialect = (typeof RAW_DIALECTS)[number];
type MqttDialectId = (typeof MQTT_DIALECTS)[number];
export type Dialect = RawDialect | MqttDialectId;

/** Module name → dialect. */
export const MODEM_ALIASES: Readonly<Record<string, Dialect>> = {
  // ESP-AT on ESP32 speaks the same AT+CIPSTART/AT+CIPSEND as on ESP8266 (ESP-AT TCP-IP AT Commands).
  esp32: 'esp8266',
  // Quectel LTE Cat 1/4 and LPWA modules: AT+QIOPEN/AT+QISENDEX (TCP/IP AT Commands Manuals of EC2x, BG96, BG95).
  ec20: 'quectel',
  ec21: 'quectel',
  ec25: 'quectel',
  eg21: 'quectel',
  eg25: 'quectel',
  eg91: 'quectel',
  eg95: 'quectel',
  bg95: 'quectel',
  bg96: 'quectel',
  bg77: 'quectel',
  // NB-IoT modules whose socket commands differ from QIOPEN/QISENDEX (BC28: AT+NSOCR/AT+NSOSD; BC26: its own
  // QISEND data formats); both have the QMT MQTT commands, so they map there.
  bc26: 'quectel-mqtt',
  bc28: 'quectel-mqtt',
  // SIMCom 2G and SIM7000: AT+CIPSTART/AT+CIPSEND=<n> (SIM800 Series AT Command Manual, SIM7000 TCP/IP Application Note).
  sim800l: 'sim800',
  sim800c: 'sim800',
  sim808: 'sim800',
  sim900: 'sim800',
  sim7000: 'sim800',
  // SIMCom LTE: AT+NETOPEN, AT+CIPOPEN, AT+CIPSEND=<link>,<n> (SIM7500_SIM7600 Series TCPIP Application Note, A76XX TCPIP AN).
  sim7500: 'sim7600',
  sim7600e: 'sim7600',
  sim7600g: 'sim7600',
  a7670: 'sim7600',
  a7672: 'sim7600',
  a7608: 'sim7600',
};

export const MODEM_NAMES: readonly string[] = [...RAW_DIALECTS, ...MQTT_DIALECTS, ...Object.keys(MODEM_ALIASES)];

/** The dialect a --modem value names, or undefined. */
export function dialectOf(name: string): Dialect | undefined {
  if ((RAW_DIALECTS as readonly string[]).includes(name) || (MQTT_DIALECTS as readonly string[]).includes(name)) return name as Dialect;
  return Object.hasOwn(MODEM_ALIASES, name) ? MODEM_ALIASES[name] : undefined;
}

export const isMqttDialect = (d: Dialect): d is MqttDialectId => (MQTT_DIALECTS as readonly string[]).includes(d);
