'use client';
import 'dayjs/locale/zh-cn';
import { Badge, createTheme, MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { onSessionProblem } from '../lib/api';
import { I18nProvider, useI18n } from '../lib/i18n';
import { clearUser, storedUser, storeUser } from '../lib/session';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  components: {
    // badges in table cells keep their whole label instead of shrinking to an ellipsis
    Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }),
  },
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "PingFang SC", "Microsoft YaHei", sans-serif',
});

/**
 * A 401 from any call means the session is gone: forget the user and go to the sign-in page. A 403 asking for the
 * default root password to be changed brings up the password change.
 */
function SessionWatcher() {
  const router = useRouter();
  useEffect(
    () =>
      onSessionProblem((error) => {
        const user = storedUser();
        if (error.status === 403) {
          if (user && !user.password_change_required) storeUser({ ...user, password_change_required: true });
          return;
        }
        if (user) clearUser();
        if (!window.location.pathname.startsWith('/login')) router.replace('/login/');
      }),
    [router],
  );
  return null;
}

function LocalizedDates({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return <DatesProvider settings={{ locale: lang === 'zh' ? 'zh-cn' : 'en' }}>{children}</DatesProvider>;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
      }),
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={client}>
        <I18nProvider>
          <LocalizedDates>
            <ModalsProvider>
              <Notifications position="top-right" />
              <SessionWatcher />
              {children}
            </ModalsProvider>
          </LocalizedDates>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
