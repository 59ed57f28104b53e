/**
 * The key under which identical questions meet: the text normalised (Unicode NFKC, lower case, punctuation and
 * spacing removed, full-width forms folded), then hashed. "How do joins work?" and "how do joins work" share it;
 * a question that differs by one word does not (reuse must never answer a different question).
 */
import { createHash } from "node:crypto";

/** The normalised text (exported for tests and for the reader's curiosity). */
export function normaliseQuestion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, " ")
    .trim();
}

/**
 * @example questionTextKey("How do joins work?") === questionTextKey("how do joins work") // true
 */
export function questionTextKey(text: string): string {
  return createHash("sha256").update(normaliseQuestion(text)).digest("hex").slice(0, 40);
}

/**
 * What the helper reads of a question: a forum post's title is often the question itself and its body the details,
 * so both are asked unless the body already holds the title (a `/ask` question's title is its own beginning).
 *
 * @example askedText({ title: "Joins", body: "How do joins match rows?" }) // "Joins\nHow do joins match rows?"
 */
export function askedText(question: { title: string; body: string }): string {
  const text = question.body.includes(question.title.replace(/…$/, ""))
    ? question.body
    : `${question.title}\n${question.body}`;
  return text.trim();
}
