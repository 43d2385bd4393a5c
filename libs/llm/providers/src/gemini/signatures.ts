/**
 * Gemini thought signatures in the canonical model.
 *
 * Gemini returns an opaque `thoughtSignature` on thought parts and on function-call parts, and Gemini 3 answers 400
 * when the first function call of a step comes back without one. The canonical model has no signature on tool calls,
 * so the adapter carries a signature as a reasoning part (empty text when it belonged to a function call) placed
 * right before the part it was attached to, and puts it back on the next text or function-call part when the
 * history is sent again.
 *
 * Signatures are tagged with {@link GEMINI_SIGNATURE_PREFIX} on their way out, so that a signature from another
 * provider (an Anthropic thinking signature in a Claude client's history) is never sent to Gemini — Gemini rejects a
 * foreign signature as corrupted — and so other adapters can recognise and drop Gemini's.
 */
export const GEMINI_SIGNATURE_PREFIX = 'gemini:';

/**
 * The value Google documents for function calls whose history Gemini did not produce itself (another model's turns,
 * a client that dropped the signature): it passes Gemini 3's signature validation.
 */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

/** A Gemini `thoughtSignature` as it travels in canonical reasoning parts and stream events. */
export function toCanonicalSignature(signature: string): string {
  return GEMINI_SIGNATURE_PREFIX + signature;
}

/** The Gemini signature inside a canonical one, or undefined when it came from another provider. */
export function fromCanonicalSignature(signature: string | undefined): string | undefined {
  if (signature === undefined || !signature.startsWith(GEMINI_SIGNATURE_PREFIX)) return undefined;
  const raw = signature.slice(GEMINI_SIGNATURE_PREFIX.length);
  return raw === '' ? undefined : raw;
}

/** Whether a canonical signature was issued by Gemini (other adapters use this to drop it). */
export function isGeminiSignature(signature: string | undefined): boolean {
  return fromCanonicalSignature(signature) !== undefined;
}
