/**
 * Renders a neutral reply for the terminal: markup becomes bold (on a terminal) or plain text (when piped), buttons
 * become numbered choices the user picks by typing the number.
 */
import type { Reply } from "../../core/conversation/reply.js";

export type Choice = { action: string } | { url: string };

export function renderForTerminal(reply: Reply, options: { color: boolean }): { text: string; choices: Choice[] } {
  const choices: Choice[] = [];
  const blocks: string[] = [];
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[22m` : s);
  for (const message of reply.messages) {
    let text = message.text.replace(/\*\*(.+?)\*\*/g, (_m, inner: string) => bold(inner)).replace(/`([^`]+)`/g, "$1");
    if (message.image) text += `\n[image: ${message.image.alt} — ${message.image.url}]`;
    for (const row of message.buttons ?? []) {
      const cells = row.map((button) => {
        choices.push("url" in button ? { url: button.url } : { action: button.action });
        const n = choices.length;
        return "url" in button ? `[${n}] ${button.label} → ${button.url}` : `[${n}] ${button.label}`;
      });
      text += `\n  ${cells.join("   ")}`;
    }
    blocks.push(text);
  }
  return { text: blocks.join("\n\n"), choices };
}
