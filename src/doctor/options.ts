/**
 * The mosquitto.conf option set of mosquitto 2.0 (mosquitto.conf(5) of 2.0.11, the version Debian 12 ships), as data:
 * each option's value kind and whether it belongs to a listener. mosquitto refuses to start on a name it does not
 * know ("Error: Unknown configuration variable"), so doctor reports one too.
 * Source: https://mosquitto.org/man/mosquitto-conf-5.html and /usr/share/man/man5/mosquitto.conf.5.gz (2.0.11).
 */

/** bool: true|false; int: a decimal integer; str: the rest of the line; args: one or more words (`listener` among them). */
type OptionKind = 'bool' | 'int' | 'str' | 'args';

/**
 * 'listener': configures the listener above it (or the default listener before any `listener` line);
 * 'security': global unless per_listener_settings is true, then per listener; 'global'; 'bridge': after `connection`.
 */
type OptionScope = 'global' | 'listener' | 'security' | 'bridge';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly scope: OptionScope;
  /**
   * The values mosquitto accepts, as mosquitto.conf(5) lists them, checked on the value's first word (mosquitto reads
   * only that one and ignores the rest) or, for max_qos, as a number. Anything else stops mosquitto at start.
   */
  readonly values?: readonly string[];
}

const o = (kind: OptionKind, scope: OptionScope = 'global'): OptionSpec => ({ kind, scope });
const oneOf = (values: readonly string[], scope: OptionScope = 'global', kind: OptionKind = 'str'): OptionSpec => ({ kind, scope, values });

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  // General options
  acl_file: o('str', 'security'),
  allow_anonymous: o('bool', 'security'),
  allow_duplicate_messages: o('bool'),
  allow_zero_length_clientid: o('bool', 'security'),
  auth_plugin: o('str', 'security'),
  auth_plugin_deny_special_chars: o('bool'),
  auto_id_prefix: o('str', 'security'),
  autosave_interval: o('int'),
  autosave_on_changes: o('bool'),
  check_retain_source: o('bool'),
  clientid_prefixes: o('str'),
  connection_messages: o('bool'),
  include_dir: o('str'),
  // mosquitto.conf(5) lists stdout stderr syslog topic file dlt; 2.0.11 also takes none (conf.c, and it starts with it).
  log_dest: oneOf(['stdout', 'stderr', 'syslog', 'topic', 'file', 'dlt', 'none'], 'global', 'args'),
  log_facility: o('int'),
  log_timestamp: o('bool'),
  log_timestamp_format: o('str'),
  // The man page's list, plus internal, which 2.0.11 takes too (conf.c, and it starts with it).
  log_type: oneOf(['debug', 'error', 'warning', 'notice', 'information', 'subscribe', 'unsubscribe', 'websockets', 'none', 'all', 'internal'], 'global', 'args'),
  max_inflight_bytes: o('int'),
  max_inflight_messages: o('int'),
  max_keepalive: o('int'),
  max_packet_size: o('int'),
  max_queued_bytes: o('int'),
  max_queued_messages: o('int'),
  memory_limit: o('int'),
  message_size_limit: o('int'),
  password_file: o('str', 'security'),
  per_listener_settings: o('bool'),
  persistence: o('bool'),
  persistence_file: o('str'),
  persistence_location: o('str'),
  persistent_client_expiration: o('str'),
  pid_file: o('str'),
  plugin: o('str', 'security'),
  psk_file: o('str', 'security'),
  queue_qos0_messages: o('bool'),
  retain_available: o('bool'),
  set_tcp_nodelay: o('bool'),
  sys_interval: o('int'),
  upgrade_outgoing_qos: o('bool'),
  user: o('str'),
  // Listeners (bind_address and port configure the default listener)
  bind_address: o('str'),
  bind_interface: o('str', 'listener'),
  http_dir: o('str', 'listener'),
  listener: o('args'),
  max_connections: o('int', 'listener'),
  max_qos: oneOf(['0', '1', '2'], 'listener', 'int'),
  max_topic_alias: o('int', 'listener'),
  mount_point: o('str', 'listener'),
  port: o('int'),
  protocol: oneOf(['mqtt', 'websockets'], 'listener'),
  socket_domain: oneOf(['ipv4', 'ipv6'], 'listener'),
  use_username_as_clientid: o('bool', 'listener'),
  websockets_headers_size: o('int', 'listener'),
  websockets_log_level: o('int'),
  // Certificate-based TLS
  cafile: o('str', 'listener'),
  capath: o('str', 'listener'),
  certfile: o('str', 'listener'),
  ciphers: o('str', 'listener'),
  'ciphers_tls1.3': o('str', 'listener'),
  crlfile: o('str', 'listener'),
  dhparamfile: o('str', 'listener'),
  keyfile: o('str', 'listener'),
  require_certificate: o('bool', 'listener'),
  tls_engine: o('str', 'listener'),
  tls_engine_kpass_sha1: o('str', 'listener'),
  tls_keyform: o('str', 'listener'),
  tls_version: o('str', 'listener'),
  use_identity_as_username: o('bool', 'listener'),
  use_subject_as_username: o('bool', 'listener'),
  // PSK-based TLS
  psk_hint: o('str', 'listener'),
  // Bridges
  address: o('args', 'bridge'),
  addresses: o('args', 'bridge'),
  bridge_alpn: o('str', 'bridge'),
  bridge_attempt_unsubscribe: o('bool', 'bridge'),
  bridge_bind_address: o('str', 'bridge'),
  bridge_cafile: o('str', 'bridge'),
  bridge_capath: o('str', 'bridge'),
  bridge_certfile: o('str', 'bridge'),
  bridge_identity: o('str', 'bridge'),
  bridge_insecure: o('bool', 'bridge'),
  bridge_keyfile: o('str', 'bridge'),
  bridge_max_packet_size: o('int', 'bridge'),
  bridge_outgoing_retain: o('bool', 'bridge'),
  bridge_protocol_version: oneOf(['mqttv50', 'mqttv311', 'mqttv31'], 'bridge'),
  bridge_psk: o('str', 'bridge'),
  bridge_require_ocsp: o('bool', 'bridge'),
  bridge_tls_version: o('str', 'bridge'),
  cleansession: o('bool', 'bridge'),
  connection: o('str'),
  idle_timeout: o('int', 'bridge'),
  keepalive_interval: o('int', 'bridge'),
  local_cleansession: o('bool', 'bridge'),
  local_clientid: o('str', 'bridge'),
  local_password: o('str', 'bridge'),
  local_username: o('str', 'bridge'),
  notification_topic: o('str', 'bridge'),
  notifications: o('bool', 'bridge'),
  notifications_local_only: o('bool', 'bridge'),
  remote_clientid: o('str', 'bridge'),
  remote_password: o('str', 'bridge'),
  remote_username: o('str', 'bridge'),
  restart_timeout: o('args', 'bridge'),
  round_robin: o('bool', 'bridge'),
  start_type: oneOf(['automatic', 'lazy', 'once'], 'bridge'),
  threshold: o('int', 'bridge'),
  topic: o('args', 'bridge'),
  try_private: o('bool', 'bridge'),
};

/** Families of options named by a prefix (`auth_opt_db_host`, `plugin_opt_config_file`). */
const PREFIXED: readonly (readonly [string, OptionSpec])[] = [
  ['auth_opt_', o('str', 'security')],
  ['plugin_opt_', o('str', 'security')],
];

export function optionSpec(name: string): OptionSpec | undefined {
  if (Object.hasOwn(OPTIONS, name)) return OPTIONS[name];
  for (const [prefix, spec] of PREFIXED) if (name.startsWith(prefix) && name.length > prefix.length) return spec;
  return undefined;
}
