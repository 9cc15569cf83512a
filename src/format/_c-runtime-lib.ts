/**
 * The generic C of `--format c --runtime`: a PUBLISH writer, a PUBACK writer and the reply readers, as `static inline`
 * functions over caller buffers (no allocation, no libc). `p` is the identifier prefix (--name), so two headers for
 * two clouds can sit in one firmware. The protocol version is fixed when the header is made: 5.0 writes an empty
 * property length and skips properties when reading.
 *
 * Layout and rules: MQTT 3.1.1 §2.2 (fixed header, Remaining Length), §3.2 CONNACK, §3.3 PUBLISH, §3.4 PUBACK,
 * §3.9 SUBACK; MQTT 5.0 §2.2.2 (Property Length), §3.2.2, §3.3.2, §3.4.2, §3.9.2.
 */

export function runtimeLibrary(p: string, version: 3 | 4 | 5): string {
  const P = p.toUpperCase();
  const v5 = version === 5;
  return `/* Results of the reply readers: a negative value is one of these, never a length or a code. */
#define ${P}_E_SHORT (-1)     /* the packet is not complete in the bytes given: read more */
#define ${P}_E_TYPE (-2)      /* a complete packet, but of another type */
#define ${P}_E_MALFORMED (-3) /* lengths or flags against the MQTT rules: close the connection */
#define ${P}_E_SPACE (-4)     /* ${p}_suback_codes: more codes than the caller's array holds */
#define ${P}_E_REFUSED (-5)   /* ${p}_puback_id: the broker refused the PUBLISH (5.0 Reason Code 0x80 or more) */
/* ${p}_frame_len: the Remaining Length runs past 4 bytes, or the packet cannot fit in a size_t here. */
#define ${P}_FRAME_INVALID ((size_t)-1)

/* Packet types (the high nibble of byte 0), as ${p}_packet_type returns them. */
#define ${P}_CONNACK 2
#define ${P}_PUBLISH 3
#define ${P}_PUBACK 4
#define ${P}_SUBACK 9
#define ${P}_UNSUBACK 11
#define ${P}_PINGRESP 13
#define ${P}_DISCONNECT 14

/* What ${p}_parse_publish found: pointers into the caller's bytes, valid while those bytes are. */
struct ${p}_publish_view {
  const uint8_t *topic;   /* not NUL-terminated: topic_len bytes */
  size_t topic_len;
  const uint8_t *payload;
  size_t payload_len;
  uint16_t packet_id;     /* 0 for QoS 0 */
  uint8_t qos;
  uint8_t retain;
  uint8_t dup;
};

/* Remaining Length: 7 bits a byte, low group first, high bit = more (3.1.1 §2.2.3). Returns the bytes written. */
static inline size_t ${p}_put_varint(uint8_t *out, size_t value) {
  size_t n = 0;
  do {
    uint8_t b = (uint8_t)(value % 128u);
    value /= 128u;
    out[n++] = (uint8_t)(value > 0 ? b | 0x80u : b);
  } while (value > 0);
  return n;
}

static inline unsigned ${p}_varint_size(unsigned long value) {
  return value < 128ul ? 1u : value < 16384ul ? 2u : value < 2097152ul ? 3u : 4u;
}

/*
 * Writes a complete PUBLISH into buf and returns its length, or 0 when cap is too small or an argument is out of
 * range: qos above 2, packet_id 0 with qos 1 or 2 [MQTT-2.3.1-1], a topic that is empty, over 65535 bytes or holds
 * + # or NUL [MQTT-3.3.2-2], a packet over 268435455 bytes. The topic must be UTF-8; packet_id is ignored at qos 0.
 */
static inline size_t ${p}_publish(uint8_t *buf, size_t cap, const char *topic, size_t topic_len,
                                  const void *payload, size_t len, int qos, int retain, uint16_t packet_id) {
  const uint8_t *bytes = (const uint8_t *)payload;
  size_t i, at;
  unsigned long rest; /* at least 32 bits, also where size_t has 16 */
  if ((unsigned)qos > 2u || (qos > 0 && packet_id == 0) || topic_len == 0 || topic_len > 65535u || len > 268435455ul) return 0;
  rest = 2ul + (unsigned long)topic_len + (qos > 0 ? 2ul : 0ul) + ${v5 ? '1ul + ' : ''}(unsigned long)len;
  if (rest > 268435455ul || 1ul + ${p}_varint_size(rest) + rest > cap) return 0;
  buf[0] = (uint8_t)(0x30u | ((unsigned)qos << 1) | (retain ? 1u : 0u));
  at = 1u + ${p}_put_varint(buf + 1, (size_t)rest);
  buf[at++] = (uint8_t)(topic_len >> 8);
  buf[at++] = (uint8_t)(topic_len & 0xffu);
  for (i = 0; i < topic_len; i++) {
    /* Checked while copying: the bytes written so far are left behind, and 0 says none of them is a packet. */
    if (topic[i] == '+' || topic[i] == '#' || topic[i] == 0) return 0;
    buf[at++] = (uint8_t)topic[i];
  }
  if (qos > 0) {
    buf[at++] = (uint8_t)(packet_id >> 8);
    buf[at++] = (uint8_t)(packet_id & 0xffu);
  }
${v5 ? '  buf[at++] = 0; /* Property Length: no properties (5.0 §3.3.2.3) */\n' : ''}  for (i = 0; i < len; i++) buf[at++] = bytes[i];
  return at;
}

/* Writes the PUBACK that answers a QoS 1 PUBLISH; returns 4, or 0 when cap is too small or packet_id is 0. */
static inline size_t ${p}_puback(uint8_t *buf, size_t cap, uint16_t packet_id) {
  if (cap < 4u || packet_id == 0) return 0;
  buf[0] = 0x40;
  buf[1] = 2;
  buf[2] = (uint8_t)(packet_id >> 8);
  buf[3] = (uint8_t)(packet_id & 0xffu);
  return 4;
}

/*
 * The length of the packet that starts at p, once its fixed header has arrived: 0 = need more bytes,
 * ${P}_FRAME_INVALID = a malformed Remaining Length. The packet is complete when n reaches the result; then handle
 * it and drop that many bytes. For a byte stream that arrives in pieces (a modem's +IPD chunks).
 */
static inline size_t ${p}_frame_len(const uint8_t *p, size_t n) {
  uint32_t value = 0;
  size_t i;
  for (i = 1; i < 5; i++) {
    if (i >= n) return 0;
    value |= (uint32_t)(p[i] & 0x7fu) << (7u * (unsigned)(i - 1));
    if ((p[i] & 0x80u) == 0) {
      /* A 16-bit size_t cannot hold every length: such a packet cannot be buffered here anyway. */
      if (value > (size_t)-1 - 1u - i) return ${P}_FRAME_INVALID;
      return 1u + i + (size_t)value;
    }
  }
  return ${P}_FRAME_INVALID;
}

/* The fixed header of a complete packet: *body and *rest are where its variable part starts and how long it is. */
static inline int ${p}_header(const uint8_t *p, size_t n, size_t *body, size_t *rest) {
  size_t total = ${p}_frame_len(p, n);
  if (total == ${P}_FRAME_INVALID) return ${P}_E_MALFORMED;
  if (total == 0 || n < total) return ${P}_E_SHORT;
  *body = 1;
  while (p[*body] & 0x80u) (*body)++;
  (*body)++;
  *rest = total - *body;
  return 0;
}

/* The type of the complete packet at p (${P}_PUBLISH, ${P}_PINGRESP, …), or ${P}_E_SHORT / ${P}_E_MALFORMED. */
static inline int ${p}_packet_type(const uint8_t *p, size_t n) {
  size_t body, rest;
  int e = ${p}_header(p, n, &body, &rest);
  return e < 0 ? e : (int)(p[0] >> 4);
}
${v5 ? propertiesReader(p, P) : ''}
/* The CONNACK's ${v5 ? 'Reason Code (5.0 §3.2.2.2)' : 'return code (3.1.1 §3.2.2.3)'}: 0 = accepted; or a negative ${P}_E_ value. */
static inline int ${p}_connack_code(const uint8_t *p, size_t n) {
  size_t body, rest;
  int e = ${p}_header(p, n, &body, &rest);
  if (e < 0) return e;
  if (p[0] >> 4 != ${P}_CONNACK) return ${P}_E_TYPE;
  if ((p[0] & 0x0fu) != 0 || ${v5 ? 'rest < 2u' : 'rest != 2u'}) return ${P}_E_MALFORMED;
${v5 ? `  if (rest > 2u && ${p}_skip_properties(p, body + 2u, body + rest) == 0) return ${P}_E_MALFORMED;\n` : ''}  return p[body + 1u];
}

/*
 * The PUBACK's Packet Identifier into *packet_id (when not NULL) and its ${v5 ? 'Reason Code (5.0 §3.4.2.1; absent = 0, success; 0x80 or more = refused)' : 'result: always 0 in 3.1.1, which has no Reason Code'};
 * or a negative ${P}_E_ value. A Packet Identifier of 0 is malformed [MQTT-2.3.1-1].
 */
static inline int ${p}_puback_reason(const uint8_t *p, size_t n, uint16_t *packet_id) {
  size_t body, rest;
  long id;
  int e = ${p}_header(p, n, &body, &rest);
  if (e < 0) return e;
  if (p[0] >> 4 != ${P}_PUBACK) return ${P}_E_TYPE;
  if ((p[0] & 0x0fu) != 0 || ${v5 ? 'rest < 2u' : 'rest != 2u'}) return ${P}_E_MALFORMED;
  id = ((long)p[body] << 8) | (long)p[body + 1u];
  if (id == 0) return ${P}_E_MALFORMED;
${v5 ? `  /* 5.0 §3.4.2.1: a Reason Code may follow, then properties. */
  if (rest > 3u && ${p}_skip_properties(p, body + 3u, body + rest) == 0) return ${P}_E_MALFORMED;
` : ''}  if (packet_id) *packet_id = (uint16_t)id;
  return ${v5 ? 'rest > 2u ? p[body + 2u] : 0' : '0'};
}

/*
 * The Packet Identifier a PUBACK acknowledges (1 to 65535), or a negative ${P}_E_ value${v5 ? `: ${P}_E_REFUSED when the
 * broker refused the PUBLISH (Reason Code 0x80 or more; ${p}_puback_reason gives the code and the identifier)` : ''}.
 */
static inline long ${p}_puback_id(const uint8_t *p, size_t n) {
  uint16_t id = 0;
  int r = ${p}_puback_reason(p, n, &id);
  if (r < 0) return r;
  return r >= 0x80 ? ${P}_E_REFUSED : (long)id;
}

/*
 * A SUBACK: its Packet Identifier into *packet_id and one code per filter into codes (0, 1, 2 = the QoS granted;
 * 0x80 or more = refused). Returns the number of codes, or a negative ${P}_E_ value (${P}_E_SPACE when there are
 * more than max; codes may be NULL, with max 0, to count them: the count is returned and nothing is written).
 */
static inline long ${p}_suback_codes(const uint8_t *p, size_t n, uint16_t *packet_id, uint8_t *codes, size_t max) {
  size_t body, rest, at, i;
  int e = ${p}_header(p, n, &body, &rest);
  if (e < 0) return e;
  if (p[0] >> 4 != ${P}_SUBACK) return ${P}_E_TYPE;
  if ((p[0] & 0x0fu) != 0 || rest < ${v5 ? 4 : 3}u) return ${P}_E_MALFORMED;
${v5 ? `  at = ${p}_skip_properties(p, body + 2u, body + rest);
  if (at == 0 || at == body + rest) return ${P}_E_MALFORMED;
` : '  at = body + 2u;\n'}  /* codes NULL: count them only (nothing is written, so max does not limit). */
  if (codes && body + rest - at > max) return ${P}_E_SPACE;
  if (packet_id) *packet_id = (uint16_t)((p[body] << 8) | p[body + 1u]);
  if (!codes) return (long)(body + rest - at);
  for (i = 0; at + i < body + rest; i++) codes[i] = p[at + i];
  return (long)i;
}

/* A PUBLISH from the broker: topic, payload, QoS and Packet Identifier into *out. Returns 0, or a negative ${P}_E_ value. */
static inline int ${p}_parse_publish(const uint8_t *p, size_t n, struct ${p}_publish_view *out) {
  size_t body, rest, at, end, topic_len, i;
  uint8_t qos;
  int e = ${p}_header(p, n, &body, &rest);
  if (e < 0) return e;
  if (p[0] >> 4 != ${P}_PUBLISH) return ${P}_E_TYPE;
  qos = (uint8_t)((p[0] >> 1) & 3u);
  if (qos == 3u || rest < 2u) return ${P}_E_MALFORMED; /* [MQTT-3.3.1-4] */
  end = body + rest;
  topic_len = ((size_t)p[body] << 8) | p[body + 1u];
  at = body + 2u;
  if (topic_len > end - at) return ${P}_E_MALFORMED;
${v5 ? '' : `  if (topic_len == 0) return ${P}_E_MALFORMED; /* [MQTT-4.7.3-1]; 5.0 allows it with a Topic Alias */
`}  for (i = 0; i < topic_len; i++) {
    if (p[at + i] == '+' || p[at + i] == '#') return ${P}_E_MALFORMED; /* [MQTT-3.3.2-2] */
  }
  out->topic = p + at;
  out->topic_len = topic_len;
  at += topic_len;
  out->packet_id = 0;
  if (qos > 0) {
    if (end - at < 2u) return ${P}_E_MALFORMED;
    out->packet_id = (uint16_t)((p[at] << 8) | p[at + 1u]);
    if (out->packet_id == 0) return ${P}_E_MALFORMED; /* [MQTT-2.3.1-1] */
    at += 2u;
  }
${v5 ? `  at = ${p}_skip_properties(p, at, end); /* 5.0 §3.3.2.3 */
  if (at == 0) return ${P}_E_MALFORMED;
` : ''}  out->payload = p + at;
  out->payload_len = end - at;
  out->qos = qos;
  out->retain = (uint8_t)(p[0] & 1u);
  out->dup = (uint8_t)((p[0] >> 3) & 1u);
  return 0;
}`;
}

/** 5.0: a Property Length (a variable byte integer) and that many bytes, all inside [at, end). */
function propertiesReader(p: string, P: string): string {
  return `
/* Skips the properties at p[at]: returns the offset after them, or 0 when they run past end (5.0 §2.2.2). */
static inline size_t ${p}_skip_properties(const uint8_t *p, size_t at, size_t end) {
  uint32_t length = 0;
  unsigned shift = 0;
  for (;;) {
    if (at >= end || shift > 21u) return 0;
    length |= (uint32_t)(p[at] & 0x7fu) << shift;
    shift += 7u;
    if ((p[at++] & 0x80u) == 0) break;
  }
  return length > end - at ? 0 : at + (size_t)length;
}
`;
}
