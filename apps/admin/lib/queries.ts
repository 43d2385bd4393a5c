'use client';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { SiteStatusDto, UserDto } from '@one-api/contracts';
import { api } from './api';
import { DEFAULT_DISPLAY, type QuotaDisplay } from './format';
import { useT } from './i18n';
import type { MessageKey } from './i18n';

export function useStatus() {
  return useQuery({
    queryKey: ['status'],
    queryFn: () => api<SiteStatusDto>('/api/status'),
    staleTime: 60_000,
  });
}

/** How quota is displayed (dollars or units), from /api/status. */
export function useQuotaDisplay(): QuotaDisplay {
  const status = useStatus().data;
  if (!status) return DEFAULT_DISPLAY;
  return {
    quotaPerUnit: Number(status.quota_per_unit) || DEFAULT_DISPLAY.quotaPerUnit,
    inCurrency: status.display_in_currency !== false,
  };
}

export function useSelf(enabled = true) {
  return useQuery({ queryKey: ['self'], queryFn: () => api<UserDto>('/api/user/self'), enabled });
}

export function useGroups(enabled = true) {
  return useQuery({
    queryKey: ['groups'],
    queryFn: () => api<string[]>('/api/group/'),
    enabled,
    staleTime: 60_000,
  });
}

export function notifySuccess(message: string) {
  notifications.show({ color: 'green', message, autoClose: 3000 });
}

export function notifyError(title: string, error: unknown) {
  notifications.show({
    color: 'red',
    title,
    message: error instanceof Error ? error.message : String(error),
    autoClose: 6000,
  });
}

/**
 * A mutation that tells the user what happened: a success notice (or none when `success` is omitted and the caller
 * shows the result itself) and the server's message on failure; then refreshes the given queries.
 */
export function useFeedbackMutation<TVars, TResult>(opts: {
  mutationFn: (vars: TVars) => Promise<TResult>;
  success?: MessageKey | ((result: TResult, vars: TVars) => string);
  invalidate?: QueryKey[];
  onSuccess?: (result: TResult, vars: TVars) => void;
}) {
  const t = useT();
  const client = useQueryClient();
  return useMutation<TResult, Error, TVars>({
    mutationFn: opts.mutationFn,
    onSuccess: async (result, vars) => {
      if (typeof opts.success === 'function') notifySuccess(opts.success(result, vars));
      else if (opts.success) notifySuccess(t(opts.success));
      opts.onSuccess?.(result, vars);
      await Promise.all((opts.invalidate ?? []).map((queryKey) => client.invalidateQueries({ queryKey })));
    },
    onError: (error) => notifyError(t('common.failed'), error),
  });
}
