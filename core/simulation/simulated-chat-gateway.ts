/**
 * Where messages to simulated members go: they are console accounts nobody reads, so the product's outbox delivers
 * to this gateway (payment notices, renewal warnings, access changes go through their real path and are marked done)
 * and it only counts them.
 *
 * @example const ctx = { ...base, gateways: { CONSOLE: new SimulatedChatGateway() } }
 */
import type { Reply } from "../conversation/reply.js";
import type { AccessResult, AccountRef, ChatGateway, GateRef, SendResult } from "../ports.js";

export class SimulatedChatGateway implements ChatGateway {
  readonly platform = "CONSOLE" as const;
  messages = 0;
  private readonly gates = new Map<string, Set<string>>();

  async send(_account: AccountRef, _reply: Reply): Promise<SendResult> {
    this.messages += 1;
    return { ok: true };
  }

  async grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    this.members(gate).add(account.externalId);
    return { ok: true };
  }

  async revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    this.members(gate).delete(account.externalId);
    return { ok: true };
  }

  async isMember(gate: GateRef, account: AccountRef): Promise<boolean> {
    return this.members(gate).has(account.externalId);
  }

  private members(gate: GateRef): Set<string> {
    let members = this.gates.get(gate.externalId);
    if (!members) {
      members = new Set();
      this.gates.set(gate.externalId, members);
    }
    return members;
  }
}
