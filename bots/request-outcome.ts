/**
 * Whether a failed HTTP request to a chat platform may still have been carried out. Only a request that provably
 * never left this machine (no connection could be made) is safe to send again; a reset, a timeout or a 5xx after the
 * request was written may come after the platform delivered the message. Both Telegram carriers and Discord use this.
 */

/** Socket errors raised before a request could be written: nothing reached the server, so trying again is safe. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN"]);

/**
 * Whether a transport error proves the request never left (no connection could be made). Everything else — a reset
 * or a timeout after the request was written, a body that was not JSON — may have come after the platform acted.
 */
export function requestNeverLeft(error: unknown): boolean {
  const code = socketErrorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** The socket error code (ECONNRESET, ECONNREFUSED…) of a fetch error or of one of its causes. */
export function socketErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
