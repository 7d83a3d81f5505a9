import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** IPv4 peers of a dual-stack server show as `::ffff:a.b.c.d`; they are compared as `a.b.c.d`. */
export const normalizeAddress = (address: string): string => {
  const a = address.trim().toLowerCase();
  return /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a)?.[1] ?? a;
};

/**
 * Who to hold responsible for a request: the direct peer, unless that peer is a trusted proxy
 * (TRUSTED_PROXIES). Then it is the right-most X-Forwarded-For entry that is not itself a trusted
 * proxy: entries further left were written by the client and prove nothing. An entry that is not an
 * IP address is not believed either, and the peer stands.
 */
export const clientAddress = (req: IncomingMessage, trustedProxies: ReadonlySet<string>): string => {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "unknown");
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map(normalizeAddress);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    if (trustedProxies.has(hop)) continue;
    return isIP(hop) ? hop : peer;
  }
  return peer;
};
