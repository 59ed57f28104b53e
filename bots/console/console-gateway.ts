/**
 * The console's chat gateway: personal messages print to the terminal, and each gate is a "paid channel" kept in
 * memory, which members are let into and removed from. Because the channels start empty at every start, the
 * reconciler's sweep at start-up visibly puts everyone entitled back in: you by name, everyone else as one count per
 * channel (a simulated community would otherwise print hundreds of lines before the prompt).
 */
import type { Reply } from "../../core/conversation/reply.js";
import type { AccessResult, AccountRef, ChatGateway, GateRef, SendResult } from "../../core/ports.js";
import { type ConsoleLessonFiles, saveLessonFiles } from "./console-lesson.js";
import { type ConsoleTexts, consoleTexts } from "./console-texts.js";
import { type Choice, renderForTerminal } from "./render.js";

export class ConsoleGateway implements ChatGateway {
  readonly platform = "CONSOLE" as const;
  readonly channels = new Map<string, Set<string>>();
  /** Console users who "blocked the bot": sends to them fail as they would on a real platform. */
  readonly blocked = new Set<string>();
  /** Where lesson files are loaded from and written to; set once the core context exists (bots/main.ts). */
  lessonFiles: ConsoleLessonFiles | null = null;
  /** Told the choices of a message pushed to the console's user: the numbers on screen are now that message's. */
  onChoices: ((choices: Choice[]) => void) | null = null;
  /** While counting (the start-up sweep): how many others joined each channel, by its title. */
  private counted: Map<string, number> | null = null;

  constructor(
    private readonly print: (text: string) => void,
    private readonly currentUser: () => string,
    private readonly color = false,
    private readonly texts: ConsoleTexts = consoleTexts.en,
  ) {}

  async send(account: AccountRef, reply: Reply): Promise<SendResult> {
    if (this.blocked.has(account.externalId)) return { ok: false, reason: "UNREACHABLE" };
    const files = await saveLessonFiles(reply, this.lessonFiles);
    // Only the console's user can press buttons: someone else's message shows its buttons without numbers.
    const mine = account.externalId === this.currentUser();
    const { text, choices } = renderForTerminal(reply, { color: this.color, files, numbered: mine });
    this.print(`${mine ? "📨 " : this.texts.to(account.externalId)}${text}`);
    if (mine && choices.length) this.onChoices?.(choices);
    return { ok: true };
  }

  async grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    const members = this.channel(gate.externalId);
    if (!members.has(account.externalId)) {
      members.add(account.externalId);
      if (this.counted && account.externalId !== this.currentUser()) {
        this.counted.set(gate.title, (this.counted.get(gate.title) ?? 0) + 1);
      } else {
        this.print(this.texts.joined(gate.title, account.externalId));
      }
    }
    return { ok: true };
  }

  /** From now until `printCountedJoins`, joins of anyone but the console's user are counted, not printed. */
  countJoins(): void {
    this.counted = new Map();
  }

  /** One line per channel for the joins counted since `countJoins`, then joins print one by one again. */
  printCountedJoins(): void {
    for (const [title, count] of this.counted ?? []) this.print(this.texts.rejoined(title, count));
    this.counted = null;
  }

  async revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    if (this.channel(gate.externalId).delete(account.externalId)) {
      this.print(this.texts.removed(gate.title, account.externalId));
    }
    return { ok: true };
  }

  async isMember(gate: GateRef, account: AccountRef): Promise<boolean> {
    return this.channel(gate.externalId).has(account.externalId);
  }

  private channel(name: string): Set<string> {
    let members = this.channels.get(name);
    if (!members) {
      members = new Set();
      this.channels.set(name, members);
    }
    return members;
  }
}
