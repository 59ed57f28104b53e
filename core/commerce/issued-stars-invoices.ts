/**
 * The Stars invoices this process sent recently, kept in memory so a pre-checkout query can be answered within
 * Telegram's 10 seconds even when the database is slow: an invoice we issued ourselves, for this payer and this
 * amount, may be paid; the payment itself is then recorded (and checked again) when `successful_payment` arrives.
 * Bounded, and forgotten after a day; a process that did not issue the invoice answers from the database only.
 */
const MAX_ENTRIES = 10_000;
const TTL_MS = 24 * 60 * 60 * 1000;

interface IssuedInvoice {
  payerExternalId: string;
  amount: number;
  issuedAt: number;
}

const issued = new Map<number, IssuedInvoice>();

/** Remembers an invoice as it is sent. */
export function rememberStarsInvoice(orderId: number, payerExternalId: string, amount: number): void {
  issued.delete(orderId);
  issued.set(orderId, { payerExternalId, amount, issuedAt: Date.now() });
  if (issued.size > MAX_ENTRIES) {
    const oldest = issued.keys().next().value;
    if (oldest !== undefined) issued.delete(oldest);
  }
}

/** Whether this process issued exactly this invoice (order, payer, amount) in the last day. */
export function wasStarsInvoiceIssued(orderId: number, payerExternalId: string, amount: number): boolean {
  const invoice = issued.get(orderId);
  if (!invoice || Date.now() - invoice.issuedAt > TTL_MS) return false;
  return invoice.payerExternalId === payerExternalId && invoice.amount === amount;
}
