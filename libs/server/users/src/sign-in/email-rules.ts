/** The domain of an address, lower-cased ('' when there is none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** One API's EmailDomainWhitelist check: the domain must be one of the comma-separated entries (exact match). */
export function emailDomainAllowed(email: string, whitelist: string): boolean {
  const domain = emailDomain(email);
  if (!domain) return false;
  return whitelist
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean)
    .includes(domain);
}
