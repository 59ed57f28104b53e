/**
 * Splits one Markdown block that is too long for a message into pieces that each fit, keeping the source: every piece
 * is a contiguous slice of the lesson, the slices follow each other without gap, and each piece renders balanced on
 * its own (a code block is closed and reopened, a list is cut between items). Cuts go at line boundaries, then at
 * word boundaries, then between characters, whichever is the coarsest that fits.
 */
import { Lexer, type Token, type Tokens } from "marked";
import { cutPointAfter } from "../../text.js";
import { codeLanguage } from "./inline.js";
import type { MarkdownRenderer, RenderEnvironment } from "./renderer.js";

/** A slice `[start, end)` of the (normalized) lesson and how it renders. */
export interface Piece {
  start: number;
  end: number;
  text: string;
}

export interface SplitContext {
  /** The whole lesson, normalized (LF line ends): offsets are into it. */
  markdown: string;
  renderer: MarkdownRenderer;
  env: RenderEnvironment;
  limit: number;
}

/** Renders an arbitrary slice of the lesson on its own (as Markdown read from scratch). */
export function renderSlice(context: SplitContext, start: number, end: number): string {
  return context.renderer.blocks(Lexer.lex(context.markdown.slice(start, end)), context.env);
}

/** Pieces of `token` (which starts at `start` and ends at `end`) that each fit `context.limit`. */
export function splitBlock(context: SplitContext, token: Token, start: number, end: number): Piece[] {
  if (token.type === "code") return splitCode(context, token as Tokens.Code, start, end);
  if (token.type === "list") return splitList(context, token as Tokens.List, start, end);
  return splitGeneric(context, start, end);
}

type CutLevel = (markdown: string, start: number, end: number) => number[];

const afterLineBreaks: CutLevel = (markdown, start, end) => positionsAfter(markdown, start, end, /\n/g);
const afterSpaces: CutLevel = (markdown, start, end) => positionsAfter(markdown, start, end, /\s+/g);
const betweenCharacters: CutLevel = (markdown, start, end) => {
  const cuts: number[] = [];
  for (let at = cutPointAfter(markdown.slice(start, end), 0); at < end - start; ) {
    cuts.push(start + at);
    at = cutPointAfter(markdown.slice(start, end), at);
  }
  return cuts;
};

function positionsAfter(markdown: string, start: number, end: number, pattern: RegExp): number[] {
  const cuts: number[] = [];
  const slice = markdown.slice(start, end);
  for (const match of slice.matchAll(pattern)) {
    const at = start + (match.index ?? 0) + match[0].length;
    if (at > start && at < end) cuts.push(at);
  }
  return cuts;
}

/** Lines, then words, then characters; each slice rendered from scratch (formatting across a cut shows as text). */
function splitGeneric(context: SplitContext, start: number, end: number): Piece[] {
  return pack(start, end, [afterLineBreaks, afterSpaces, betweenCharacters], context, (a, b) =>
    renderSlice(context, a, b),
  );
}

/**
 * Greedy packing: from `start`, the longest run up to a cut point of the first level whose rendering fits; a run
 * that cannot fit even up to the next cut is packed at the next, finer level. Binary search keeps renders few.
 */
function pack(
  start: number,
  end: number,
  levels: CutLevel[],
  context: SplitContext,
  render: (a: number, b: number) => string,
): Piece[] {
  const pieces: Piece[] = [];
  const cuts = [...levels[0]!(context.markdown, start, end), end];
  const fits = (text: string) => text.length <= context.limit;
  let current = start;
  let first = 0; // index of the first cut after `current`
  while (current < end) {
    while (cuts[first]! <= current) first += 1;
    let low = first;
    let high = cuts.length - 1;
    let best = -1;
    let bestText = "";
    while (low <= high) {
      const middle = (low + high) >> 1;
      const text = render(current, cuts[middle]!);
      if (fits(text)) {
        best = middle;
        bestText = text;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (best >= 0) {
      pieces.push({ start: current, end: cuts[best]!, text: bestText });
      current = cuts[best]!;
    } else {
      const next = cuts[first]!;
      if (levels.length > 1) pieces.push(...pack(current, next, levels.slice(1), context, render));
      // One character that cannot fit any limit (a limit below a tag's length): sent as it is, never lost.
      else pieces.push({ start: current, end: next, text: render(current, next) });
      current = next;
    }
  }
  return pieces;
}

/** A list is cut between items; an item too long on its own is cut like any other text. */
function splitList(context: SplitContext, token: Tokens.List, start: number, end: number): Piece[] {
  const itemStarts: number[] = [];
  let at = start;
  for (const item of token.items) {
    if (context.markdown.slice(at, at + item.raw.length) !== item.raw) return splitGeneric(context, start, end);
    itemStarts.push(at);
    at += item.raw.length;
  }
  const betweenItems: CutLevel = (_markdown, a, b) => itemStarts.filter((cut) => cut > a && cut < b);
  return pack(start, end, [betweenItems, afterLineBreaks, afterSpaces, betweenCharacters], context, (a, b) =>
    renderSlice(context, a, b),
  );
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * A code block is cut between lines (a line longer than a message between characters); each piece is its own code
 * block in the same language, so every part opens and closes its fence or `<pre>`.
 */
function splitCode(context: SplitContext, token: Tokens.Code, start: number, end: number): Piece[] {
  const language = codeLanguage(token.lang);
  const lines: { start: number; end: number; raw: string }[] = [];
  let at = start;
  for (const raw of context.markdown.slice(start, end).split(/(?<=\n)/)) {
    lines.push({ start: at, end: at + raw.length, raw: raw.replace(/\n$/, "") });
    at += raw.length;
  }
  const opening = FENCE.exec(lines[0]?.raw ?? "");
  let content = lines;
  if (opening) {
    const marker = opening[1]!;
    const closing = lines.findLastIndex(
      (line, index) => index > 0 && new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(line.raw),
    );
    content = lines.slice(1, closing > 0 ? closing : lines.length);
  }
  const textLines = token.text.split("\n");
  const texts =
    textLines.length === content.length
      ? textLines
      : content.map((line) => (opening ? line.raw : line.raw.replace(/^( {1,4}|\t)/, "")));
  if (content.length === 0) return [{ start, end, text: context.renderer.code(language, token.text) }];

  // Cut points are the starts of content lines; a piece [a, b) shows the content lines that start inside it.
  const lineAt = new Map(content.map((line, index) => [line.start, index]));
  const render = (a: number, b: number) => {
    const shown: string[] = [];
    let overlaps = false;
    for (const [index, line] of content.entries()) {
      if (line.start >= b) break;
      if (line.end <= a) continue;
      overlaps = true;
      const text = texts[index] ?? "";
      // Only part of the line (a line longer than a message): the matching part of its text.
      const offset = line.raw.length - text.length;
      const from = Math.max(0, a - line.start - offset);
      const to = b >= line.end ? text.length : Math.max(0, b - line.start - offset);
      if (line.start >= a && b >= line.end) shown.push(text);
      else shown.push(text.slice(from, to));
    }
    // A slice of the fence line alone shows no code: nothing, rather than an empty block a platform refuses.
    return overlaps ? context.renderer.code(language, shown.join("\n")) : "";
  };
  const betweenLines: CutLevel = (_markdown, a, b) =>
    [...lineAt.keys()].filter((cut) => cut > a && cut < b && cut !== content[0]!.start);
  return pack(start, end, [betweenLines, betweenCharacters], context, render);
}
