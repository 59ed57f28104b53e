/**
 * What the Telegram Bot API accepts as `parse_mode: "HTML"`, as its documentation states it ("Formatting options"):
 * only the supported tags, properly nested; bold, italic, underline, strikethrough and spoiler may contain anything
 * but may not be inside code or pre; code and pre contain nothing else (except `<pre><code class="language-…">`);
 * links contain only the simple styles; blockquotes are not nested; every `<` and `&` that is not part of a tag or of
 * an entity must be escaped; only numerical entities and &lt; &gt; &amp; &quot; exist. The fake Bot API refuses what
 * this refuses, and tests that check a renderer use the same function, so "the fake accepts it" and "the test
 * accepts it" cannot drift apart.
 *
 * @example parseTelegramHtml("<b>a &amp; b</b>") // "a & b"; throws TelegramHtmlError for "<code><b>x</code></b>"
 */

export class TelegramHtmlError extends Error {}

const SIMPLE = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span"]);
const SUPPORTED = new Set([...SIMPLE, "a", "code", "pre", "blockquote", "tg-emoji"]);
const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"' } as Record<string, string>;

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>/y;
const ENTITY = /&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/y;

/** Parses Telegram HTML like the Bot API does and returns the text the message shows; throws when it would refuse. */
export function parseTelegramHtml(html: string): string {
  const stack: { name: string; attributes: string }[] = [];
  let text = "";
  const fail = (index: number, what: string): never => {
    const offset = Buffer.byteLength(html.slice(0, index));
    throw new TelegramHtmlError(`can't parse entities: ${what} at byte offset ${offset}`);
  };
  for (let i = 0; i < html.length; ) {
    const c = html[i]!;
    if (c === "<") {
      TAG.lastIndex = i;
      const tag = TAG.exec(html);
      if (!tag) fail(i, "Unexpected character '<' (unescaped)");
      const [whole, closing, rawName, attributes] = tag as RegExpExecArray;
      const name = rawName!.toLowerCase();
      if (closing) {
        if (stack.at(-1)?.name !== name) fail(i, `Unexpected end tag "${name}"`);
        stack.pop();
      } else {
        if (!SUPPORTED.has(name)) fail(i, `Unsupported start tag "${name}"`);
        if (name === "span" && !/class\s*=\s*"tg-spoiler"/.test(attributes ?? ""))
          fail(i, 'Tag "span" must have class "tg-spoiler"');
        const problem = nestingProblem(stack, name, attributes ?? "");
        if (problem) fail(i, problem);
        stack.push({ name, attributes: attributes ?? "" });
      }
      i += whole!.length;
    } else if (c === "&") {
      ENTITY.lastIndex = i;
      const entity = ENTITY.exec(html);
      if (!entity) fail(i, "Unexpected character '&' (unescaped)");
      const [whole, name] = entity as RegExpExecArray;
      if (name!.startsWith("#")) {
        const code = name!.startsWith("#x") ? Number.parseInt(name!.slice(2), 16) : Number(name!.slice(1));
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(i, "Invalid numerical HTML entity");
        text += String.fromCodePoint(code);
      } else {
        const named = NAMED[name!.toLowerCase()];
        if (named === undefined) fail(i, `Unsupported HTML entity "&${name};"`);
        text += named;
      }
      i += whole!.length;
    } else {
      text += c;
      i += 1;
    }
  }
  if (stack.length) {
    throw new TelegramHtmlError(
      `can't parse entities: Can't find end tag corresponding to start tag "${stack.at(-1)!.name}"`,
    );
  }
  return text;
}

/** Why `name` may not open inside the tags already open, or null when it may. */
function nestingProblem(
  stack: { name: string; attributes: string }[],
  name: string,
  attributes: string,
): string | null {
  for (const [index, outer] of stack.entries()) {
    const directlyInside = index === stack.length - 1;
    if (outer.name === "code" || outer.name === "tg-emoji") return `Tag "${name}" can't be inside "${outer.name}"`;
    if (outer.name === "pre") {
      const languageCode = name === "code" && directlyInside && /class\s*=\s*"language-[^"]*"/.test(attributes);
      if (!languageCode) return `Tag "${name}" can't be inside "pre"`;
    }
    if (outer.name === "a" && !SIMPLE.has(name)) return `Tag "${name}" can't be inside a link`;
    if (outer.name === "blockquote" && name === "blockquote") return "Blockquotes can't be nested";
  }
  return null;
}

/** True when every string in a Bot API call can be sent as UTF-8 (no lone surrogate anywhere). */
export function isValidUtf16(value: unknown): boolean {
  if (typeof value === "string") {
    return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  }
  if (Array.isArray(value)) return value.every(isValidUtf16);
  if (value && typeof value === "object")
    return Object.entries(value).every(([k, v]) => isValidUtf16(k) && isValidUtf16(v));
  return true;
}
