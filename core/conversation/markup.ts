/**
 * The neutral markup of every reply: `**bold**` and `` `code` `` only, with `\` escaping `\`, `*` and `` ` ``. The
 * message catalog escapes every value it interpolates (escapeMarkup), so a name, a title or a reason is always
 * literal text and only the templates decide the formatting. Each platform renders the parsed spans, never the raw
 * markers, line by line, so its output is well formed whatever the text holds: markers that do not pair up are
 * literal text, and styles never cross each other.
 *
 * @example parseMarkup("**Order #3** — \\*\\*x") // [{ text: "Order #3", bold: true, … }, { text: " — **x", … }]
 */
import { cutPointAfter, cutPointBefore, stripControlCharacters } from "../text.js";

/** A run of text with one style. */
export interface Span {
  text: string;
  bold: boolean;
  code: boolean;
}

/**
 * Makes any text literal in the neutral markup. The catalog applies it to every interpolated value; code that builds
 * reply text by hand must apply it to every value a person typed.
 *
 * @example `**${escapeMarkup(product.titleEn)}**`
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[\\*`]/g, "\\$&");
}

type Marker = { kind: "bold" | "code"; role?: "open" | "close" | "literal" };
type Token = { kind: "text"; text: string } | Marker;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer) tokens.push({ kind: "text", text: buffer });
    buffer = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "\\" && (next === "\\" || next === "*" || next === "`")) {
      buffer += next;
      i++;
    } else if (c === "*" && next === "*") {
      flush();
      tokens.push({ kind: "bold" });
      i++;
    } else if (c === "`") {
      flush();
      tokens.push({ kind: "code" });
    } else buffer += c;
  }
  flush();
  return tokens;
}

/**
 * Pairs code markers in order; bold markers inside a code span are literal. Pairing looks at markers only, never at
 * the text between them, so escaped values (which hold no markers) cannot change which markers pair up.
 */
function pairCode(tokens: Token[]): void {
  let opener: Marker | null = null;
  let inside: Marker[] = [];
  for (const token of tokens) {
    if (token.kind === "text") continue;
    if (token.kind === "bold") {
      if (opener) inside.push(token);
      continue;
    }
    if (!opener) {
      opener = token;
      continue;
    }
    opener.role = "open";
    token.role = "close";
    for (const marker of inside) marker.role = "literal";
    opener = null;
    inside = [];
  }
  if (opener) opener.role = "literal";
}

/** Pairs the remaining bold markers in order; one left over is literal. */
function pairBold(tokens: Token[]): void {
  const open = tokens.filter((t): t is Marker => t.kind === "bold" && !t.role);
  for (let i = 0; i < open.length; i++) {
    open[i]!.role = i === open.length - 1 && open.length % 2 === 1 ? "literal" : i % 2 === 0 ? "open" : "close";
  }
}

/**
 * The text as styled spans: control characters and lone surrogates dropped, escapes resolved, neighbours of the same
 * style merged, no empty span.
 */
export function parseMarkup(text: string): Span[] {
  const tokens = tokenize(stripControlCharacters(text));
  pairCode(tokens);
  pairBold(tokens);
  const spans: Span[] = [];
  let bold = false;
  let code = false;
  const add = (piece: string) => {
    const last = spans.at(-1);
    if (last && last.bold === bold && last.code === code) last.text += piece;
    else spans.push({ text: piece, bold, code });
  };
  for (const token of tokens) {
    if (token.kind === "text") add(token.text);
    else if (token.role === "literal") add(token.kind === "bold" ? "**" : "`");
    else if (token.kind === "bold") bold = token.role === "open";
    else code = token.role === "open";
  }
  return spans;
}

/** The spans line by line (a span that holds a newline is split in two). */
export function markupLines(text: string): Span[][] {
  const lines: Span[][] = [[]];
  for (const span of parseMarkup(text)) {
    span.text.split("\n").forEach((piece, index) => {
      if (index > 0) lines.push([]);
      if (piece) lines.at(-1)!.push({ ...span, text: piece });
    });
  }
  return lines;
}

/** Removes the markup: the text a reader sees, for plain renderers, labels and logs. */
export function plainText(text: string): string {
  return parseMarkup(text)
    .map((span) => span.text)
    .join("");
}

/** The plain length of a line in UTF-16 code units (what Telegram counts after parsing entities). */
export function plainLength(line: Span[]): number {
  return line.reduce((sum, span) => sum + span.text.length, 0);
}

/**
 * Splits text into messages of at most `limit`, as measured by `size` on one rendered line: at line breaks where it
 * can, inside a line (between graphemes) where a single line is too long. Each part is a list of lines; a renderer
 * joins its rendered lines with "\n". Formatting never leaks from one part into the next, since each line is rendered
 * on its own.
 *
 * @example splitMarkup(text, 4096, plainLength) // Telegram counts the text after parsing entities
 */
export function splitMarkup(text: string, limit: number, size: (line: Span[]) => number): Span[][][] {
  const parts: Span[][][] = [];
  let current: Span[][] = [];
  let currentSize = 0;
  const flush = () => {
    if (current.length) parts.push(current);
    current = [];
    currentSize = 0;
  };
  for (const whole of markupLines(text)) {
    let line = whole;
    let lineSize = size(line);
    if (lineSize > limit) {
      const pieces = cutLine(line, limit, size);
      flush();
      for (const piece of pieces.slice(0, -1)) parts.push([piece]);
      line = pieces.at(-1)!;
      lineSize = size(line);
    }
    const added = current.length ? lineSize + 1 : lineSize;
    if (currentSize + added > limit) {
      flush();
      current = [line];
      currentSize = lineSize;
    } else {
      current.push(line);
      currentSize += added;
    }
  }
  flush();
  return parts;
}

/** Cuts one line into pieces that each fit, between graphemes (as long as a single grapheme fits at all). */
function cutLine(line: Span[], limit: number, size: (line: Span[]) => number): Span[][] {
  const text = line.map((span) => span.text).join("");
  const starts: number[] = [];
  let offset = 0;
  for (const span of line) {
    starts.push(offset);
    offset += span.text.length;
  }
  const slice = (from: number, to: number): Span[] =>
    line.flatMap((span, i) => {
      const a = Math.max(from, starts[i]!);
      const b = Math.min(to, starts[i]! + span.text.length);
      return a < b ? [{ ...span, text: span.text.slice(a - starts[i]!, b - starts[i]!) }] : [];
    });
  const pieces: Span[][] = [];
  let start = 0;
  while (start < text.length) {
    // A rendered line is never shorter than its text, so `limit` code units is as far as a piece can reach; the
    // rendered size grows with every unit, so the farthest end that fits is found by bisection, then moved back to
    // the previous grapheme boundary.
    let low = start;
    let high = Math.min(text.length, start + limit);
    if (size(slice(start, high)) <= limit) low = high;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (size(slice(start, middle)) <= limit) low = middle;
      else high = middle;
    }
    let end = cutPointBefore(text, low);
    if (end <= start) end = cutPointAfter(text, start);
    pieces.push(slice(start, end));
    start = end;
  }
  return pieces;
}
