/**
 * The settings of the wallet and of referral credit. Defaults below; the app overrides them from the environment
 * (WALLET_CURRENCY, WALLET_TOP_UP_PRESETS, REFERRAL_CREDIT, REFERRAL_CREDIT_CURRENCY, REFUND_WINDOW_DAYS).
 */
export interface WalletSettings {
  /** The currency of a top-up when the member names none (Stars on a Stars platform). */
  currency: string;
  /** The top-up buttons, in major units of `currency` (10 = $10.00). */
  topUpPresets: number[];
  /** What an inviter is credited when an invitee's first payment clears, in minor units; 0 turns referrals off. */
  referralCredit: number;
  referralCreditCurrency: string;
  /** Days after a payment during which a refund or dispute voids the referral credit it would earn. */
  refundWindowDays: number;
}

export const DEFAULT_WALLET_SETTINGS: WalletSettings = {
  currency: "usd",
  topUpPresets: [10, 20, 50],
  referralCredit: 500,
  referralCreditCurrency: "usd",
  refundWindowDays: 14,
};

/** Stars top-up buttons on Telegram (a Star is worth about a cent and a half). */
export const STARS_TOP_UP_PRESETS = [100, 500, 1000] as const;

/** The context's wallet settings over the defaults. */
// The context is taken by shape, not by type: core/context.ts imports this file's types.
export function walletSettings(ctx: { wallet?: Partial<WalletSettings> }): WalletSettings {
  return { ...DEFAULT_WALLET_SETTINGS, ...ctx.wallet };
}
