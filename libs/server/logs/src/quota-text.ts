/**
 * How a quota amount is named in log content, as One API's LogQuota: dollars when DisplayInCurrencyEnabled,
 * raw quota points otherwise.
 */
export function formatQuota(
  quota: number,
  opts: { displayInCurrency: boolean; quotaPerUnit: number },
): string {
  if (opts.displayInCurrency && opts.quotaPerUnit > 0)
    return `$${(quota / opts.quotaPerUnit).toFixed(6)} quota`;
  return `${quota} quota points`;
}
