/** Listen addresses as flags and config give them: "HOST:PORT", "[v6]:PORT" or "PORT". */

/**
 * Parses a listen address; a bare PORT takes `defaultHost` (null: a host is required). Returns
 * null when the text is not an address or the port is over 65535.
 */
export function parseHostPort(
  text: string,
  defaultHost: string | null = "127.0.0.1",
): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text) ??
    (defaultHost === null ? null : /^()()(\d{1,5})$/.exec(text));
  const port = Number(m?.[3]);
  const host = m?.[1] || m?.[2] || defaultHost;
  if (!m || !host || port > 65535) return null;
  return { host, port };
}

/**
 * Returns true for loopback host names and addresses: localhost, ::1 and IPv4 literals in
 * 127.0.0.0/8. A name that only starts like one (127.0.0.1.example.com) is not: DNS can point
 * it anywhere, which is how a rebinding page would pass a Host check.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "::ffff:127.0.0.1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255);
}
