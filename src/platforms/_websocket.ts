/**
 * MQTT over WebSocket endpoints, one row per platform, with the page each comes from. A row marked unverified has
 * a part (usually the path) that page does not state; the app formats print [unverified] beside it.
 * Platforms without a row document no WebSocket access in the sources we follow (OneNET; generic brokers take --ws-url).
 */
import type { Broker } from './types.js';

interface WebsocketRow {
  /** The URL for a signed broker, or undefined when this login cannot use WebSocket. */
  readonly url: (broker: Broker) => string | undefined;
  readonly unverified: boolean;
  readonly source: string;
}

const WEBSOCKET: Readonly<Record<string, WebsocketRow>> = {
  // "接入域名：wss://${MQTT接入地址} 或 ws://…；端口：443"; securemode=2 for wss, 3 for ws, which --tls already selects.
  aliyun: { url: (b) => `${b.tls ? 'wss' : 'ws'}://${b.host}:443`, unverified: false, source: 'https://help.aliyun.com/document_detail/63656.html' },
  // Port 443 and TLS 1.2 for "MQTT over WebSocket(wss)"; the page names no path, /mqtt is MQTT.js's usual one.
  huawei: { url: (b) => `wss://${b.host}:443/mqtt`, unverified: true, source: 'https://support.huaweicloud.com/intl/zh-cn/devg-iothub/iot_02_0170.html' },
  // Ports 80 (key, ws) / 443 (certificate, wss) on the Guangzhou host, set by the signer; the page names no path.
  tencent: { url: (b) => b.websocket, unverified: true, source: 'https://cloud.tencent.com/document/product/634/46347' },
  // wss://{hub}/$iothub/websocket on 443, set by the signer.
  azure: { url: (b) => b.websocket, unverified: false, source: 'https://learn.microsoft.com/azure/iot-hub/iot-hub-mqtt-support' },
  // "WSS 443" (PLATFORMS.md §7); no path given.
  baidu: { url: (b) => `wss://${b.host}:443/mqtt`, unverified: true, source: 'https://cloud.baidu.com/doc/IoTCore/s/Akck4811r' },
};

/** The broker with its WebSocket endpoint filled in from the table (or without one). */
export function withWebsocket(platform: string, broker: Broker): Broker {
  // A ws:// or wss:// URL the user gave as --host is their own endpoint (websocketUnverified false): kept as given.
  if (broker.websocket !== undefined && broker.websocketUnverified === false) return broker;
  const row = Object.hasOwn(WEBSOCKET, platform) ? WEBSOCKET[platform] : undefined;
  const url = row?.url(broker);
  const { websocket: _drop, websocketUnverified: _flag, ...rest } = broker;
  return url === undefined ? rest : { ...rest, websocket: url, websocketUnverified: row!.unverified };
}
