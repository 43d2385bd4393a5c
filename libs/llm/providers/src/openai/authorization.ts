/**
 * Replaces the credential header of a built request, whatever case the builder used (the adapter writes
 * `Authorization`, the relay's passthrough `authorization`): a second copy would reach the provider as a list.
 */
export function withAuthorization(headers: Record<string, string>, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) if (name.toLowerCase() !== 'authorization') out[name] = v;
  out.Authorization = value;
  return out;
}
