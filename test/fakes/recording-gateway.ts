/**
 * An in-memory ChatGateway for use-case tests: records what was sent, keeps who is inside each gate, and can play a
 * member who blocked the bot or a platform that refuses a gate change.
 */

import { plainText, type Reply } from "../../core/conversation/reply.js";
import type {
  AccessResult,
  AccountRef,
  ChatGateway,
  GateRef,
  SendResult,
  ThreadPostResult,
  ThreadTarget,
} from "../../core/ports.js";
import type { Platform } from "../../prisma/generated/enums.js";

export class RecordingGateway implements ChatGateway {
  readonly sent: { to: string; text: string }[] = [];
  /** Every reply as sent, buttons included (for tests that look at a message's buttons and links). */
  readonly replies: { to: string; reply: Reply }[] = [];
  readonly inside = new Map<string, Set<string>>();
  readonly blocked = new Set<string>();
  /** Gates whose changes the platform refuses (a role above the bot's, missing rights). */
  readonly refusing = new Set<string>();
  grants = 0;
  revokes = 0;

  constructor(readonly platform: Platform = "CONSOLE") {}

  /** The next N sends answer 429 with this `retry_after` (seconds), like a platform over its limit. */
  rateLimited = { next: 0, retryAfterSeconds: 0.05 };
  rateLimitAnswers = 0;
  /** Runs before each send is accepted (tests pause, cancel or "crash" mid-broadcast here). */
  beforeSend: ((account: AccountRef) => Promise<void> | void) | null = null;

  async send(account: AccountRef, reply: Reply): Promise<SendResult> {
    await this.beforeSend?.(account);
    if (this.rateLimited.next > 0) {
      this.rateLimited.next -= 1;
      this.rateLimitAnswers += 1;
      return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: this.rateLimited.retryAfterSeconds };
    }
    if (this.blocked.has(account.externalId)) return { ok: false, reason: "UNREACHABLE" };
    for (const m of reply.messages) this.sent.push({ to: account.externalId, text: plainText(m.text) });
    this.replies.push({ to: account.externalId, reply });
    return { ok: true };
  }

  /** Replies posted in Q&A threads, by thread handle (the answer helper's answers in forums). */
  readonly threadPosts: { threadRef: string; replyTo: string | null; reply: Reply; text: string }[] = [];
  /** What was hidden after moderation flagged it. */
  readonly hidden: (ThreadTarget & { what: "question" | "answer" })[] = [];

  async postInThread(thread: ThreadTarget, reply: Reply): Promise<ThreadPostResult> {
    const text = reply.messages.map((m) => plainText(m.text)).join("\n");
    this.threadPosts.push({ threadRef: thread.threadRef, replyTo: thread.messageRef, reply, text });
    return { ok: true, messageRef: `${thread.threadRef}:posted-${this.threadPosts.length}` };
  }

  async hideInThread(target: ThreadTarget & { what: "question" | "answer" }): Promise<boolean> {
    this.hidden.push(target);
    return true;
  }

  threadLink(threadRef: string): string {
    return `https://chat.example/thread/${encodeURIComponent(threadRef)}`;
  }

  async grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    if (this.refusing.has(gate.externalId)) return { ok: false, reason: "NOT_ALLOWED", detail: "missing rights" };
    this.grants += 1;
    this.members(gate.externalId).add(account.externalId);
    return { ok: true, inviteLink: `https://chat.example/${encodeURIComponent(gate.externalId)}` };
  }

  async revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    if (this.refusing.has(gate.externalId)) return { ok: false, reason: "NOT_ALLOWED", detail: "missing rights" };
    this.revokes += 1;
    this.members(gate.externalId).delete(account.externalId);
    return { ok: true };
  }

  async isMember(gate: GateRef, account: AccountRef): Promise<boolean> {
    return this.members(gate.externalId).has(account.externalId);
  }

  members(gate: string): Set<string> {
    let set = this.inside.get(gate);
    if (!set) {
      set = new Set();
      this.inside.set(gate, set);
    }
    return set;
  }

  messagesTo(user: string): string[] {
    return this.sent.filter((s) => s.to === user).map((s) => s.text);
  }
}
