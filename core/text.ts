/**
 * Text that may hold what people typed, handled the same way everywhere: control characters and broken UTF-16
 * removed at the edge, and every cut made between characters the reader sees (grapheme clusters), never inside an
 * emoji or a surrogate pair. A string cut in half of a surrogate pair is not valid UTF-8, and platforms refuse the
 * whole message that carries it.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * C0 controls except tab and line feed, DEL, and lone surrogates. NUL makes PostgreSQL refuse the row (22021);
 * terminal escapes would drive the console; a lone surrogate cannot be encoded as UTF-8 at all.
 */
const UNWANTED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
  /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Removes control characters (U+0000–U+001F except tab and newline, U+007F) and lone surrogates; a carriage return
 * becomes a newline. Adapters call it on every name and text a platform hands them.
 *
 * @example stripControlCharacters("Al\u0000ice\r\n") // "Alice\n"
 */
export function stripControlCharacters(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(UNWANTED, "");
}

/** True when the text has no lone surrogate (it can be encoded as UTF-8). */
export function isWellFormedText(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** A grapheme cluster longer than this (thousands of combining marks on one letter) is cut between code points. */
const LONGEST_CLUSTER = 16;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The code point boundary at or before `index` (never between the halves of a surrogate pair). */
function codePointBoundary(text: string, index: number): number {
  return isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1)) ? index - 1 : index;
}

/**
 * The last place at or before `index` where `text` may be cut: between grapheme clusters, or between code points
 * inside a cluster too long to keep whole (so no single piece can be larger than a platform's limit).
 */
export function cutPointBefore(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  const cluster = graphemes.segment(text).containing(index)!;
  if (cluster.index === index) return index;
  if (cluster.segment.length <= LONGEST_CLUSTER) return cluster.index;
  return codePointBoundary(text, index);
}

/** The first place after `index` where `text` may be cut (see cutPointBefore). */
export function cutPointAfter(text: string, index: number): number {
  if (index >= text.length) return text.length;
  const cluster = graphemes.segment(text).containing(index)!;
  if (cluster.segment.length <= LONGEST_CLUSTER) return cluster.index + cluster.segment.length;
  return isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1)) ? index + 2 : index + 1;
}

/**
 * At most `max` UTF-16 code units (the unit Telegram and Discord count in), cut between graphemes; `ellipsis` is
 * appended when something was cut and counts towards `max`.
 *
 * @example truncateText("abc😀", 4) // "abc" — never half of the emoji
 */
export function truncateText(text: string, max: number, ellipsis = ""): string {
  if (text.length <= max) return text;
  const budget = max - ellipsis.length;
  if (budget <= 0) return truncateText(ellipsis, max);
  return text.slice(0, cutPointBefore(text, budget)) + ellipsis;
}

/**
 * At most `maxBytes` bytes of UTF-8, cut between code points (Telegram's callback data and invoice payloads are
 * limited in bytes).
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = "";
  let bytes = 0;
  for (const codePoint of text) {
    const size = Buffer.byteLength(codePoint);
    if (bytes + size > maxBytes) break;
    out += codePoint;
    bytes += size;
  }
  return out;
}
