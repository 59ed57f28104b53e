/**
 * The Stripe fake's public names, kept at this path for the tests that import them; the fake itself lives in
 * `test/fakes/stripe/` (see its `index.ts`).
 *
 * @example
 * const fake = await startStripeFake();
 * const provider = createStripeProvider({ secretKey: "sk_test_x", webhookSecret, apiBase: fake.apiBase });
 * const { ref } = await provider.startCheckout(request);
 * const { body, signature } = signStripeEvent(fake.completeCheckout(ref), webhookSecret);
 * provider.parseWebhook(Buffer.from(body), signature);
 */
export * from "./stripe/index.js";
