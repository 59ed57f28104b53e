/**
 * The console's gateway: a message pushed to the console's user makes its buttons the numbered choices on screen; a
 * message to anyone else shows its buttons as labels, with no number that would seem to press them.
 */
import { describe, expect, it } from "vitest";
import { ConsoleGateway } from "../../bots/console/console-gateway.js";
import type { Choice } from "../../bots/console/render.js";
import { textReply } from "../../core/conversation/reply.js";

function gateway(current: string) {
  const printed: string[] = [];
  const console = new ConsoleGateway(
    (text) => printed.push(text),
    () => current,
  );
  const told: Choice[][] = [];
  console.onChoices = (choices) => told.push(choices);
  return { console, printed, told };
}

const nudge = textReply("✨ Picked for you: Python", [[{ label: "See the course", action: "rec 7 1" }]]);
const account = (externalId: string) => ({
  accountId: 1,
  platform: "CONSOLE" as const,
  externalId,
  chatId: externalId,
});

describe("console gateway", () => {
  it("numbers the buttons of a message to the console's user and makes them the current choices", async () => {
    const { console, printed, told } = gateway("member");
    expect(await console.send(account("member"), nudge)).toEqual({ ok: true });
    expect(printed[0]).toContain("📨 ✨ Picked for you: Python");
    expect(printed[0]).toContain("[1] See the course");
    expect(told).toEqual([[{ action: "rec 7 1" }]]);
  });

  it("shows someone else's buttons without numbers and leaves the choices alone", async () => {
    const { console, printed, told } = gateway("creator");
    await console.send(account("alice"), nudge);
    expect(printed[0]).toContain("📨 to alice: ✨ Picked for you: Python");
    expect(printed[0]).toContain("‹See the course›");
    expect(printed[0]).not.toMatch(/\[\d+\]/);
    expect(told).toEqual([]);
  });
});
