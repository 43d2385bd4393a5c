'use client';
import {
  AppShell,
  Avatar,
  Burger,
  Center,
  Group,
  Image,
  Loader,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { Role } from '@one-api/contracts';
import { AppControls } from '../../components/AppControls';
import { ForcedPasswordChange } from '../../components/ForcedPasswordChange';
import { api } from '../../lib/api';
import { useT, type MessageKey } from '../../lib/i18n';
import { useStatus } from '../../lib/queries';
import { clearUser, useSessionUser } from '../../lib/session';

interface NavItem {
  href: string;
  label: MessageKey;
  minRole: number;
}

const NAV: NavItem[] = [
  { href: '/overview/', label: 'nav.dashboard', minRole: Role.Common },
  { href: '/keys/', label: 'nav.keys', minRole: Role.Common },
  { href: '/logs/', label: 'nav.logs', minRole: Role.Common },
  { href: '/channels/', label: 'nav.channels', minRole: Role.Admin },
  { href: '/users/', label: 'nav.users', minRole: Role.Admin },
  { href: '/redemptions/', label: 'nav.redemptions', minRole: Role.Admin },
  { href: '/settings/', label: 'nav.settings', minRole: Role.Root },
  { href: '/cost/', label: 'nav.cost', minRole: Role.Common },
  { href: '/profile/', label: 'nav.profile', minRole: Role.Common },
];

const roleLabel = (role: number): MessageKey =>
  role >= Role.Root ? 'role.root' : role >= Role.Admin ? 'role.admin' : 'role.common';

/** The signed-in area: header, navigation by role, and the page. Signed-out visitors go to /login/. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const t = useT();
  const user = useSessionUser();
  const router = useRouter();
  const pathname = usePathname();
  const client = useQueryClient();
  const status = useStatus();
  const [opened, { toggle, close }] = useDisclosure();

  useEffect(() => {
    if (user === null) router.replace('/login/');
  }, [user, router]);

  useEffect(() => close(), [pathname, close]);

  if (!user) {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }

  const signOut = async () => {
    try {
      await api('/api/user/logout');
    } finally {
      clearUser();
      client.clear();
      router.replace('/login/');
    }
  };

  const items = NAV.filter((n) => user.role >= n.minRole);
  const name = user.display_name || user.username;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} />
            {status.data?.logo ? <Image src={status.data.logo} alt="" h={28} w="auto" /> : null}
            <Text fw={700} truncate data-testid="system-name">
              {status.data?.system_name || 'One API'}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <AppControls />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton data-testid="user-menu" aria-label={t('nav.account')}>
                  <Group gap={6} wrap="nowrap">
                    <Avatar size="sm" radius="xl" color="indigo">
                      {name.slice(0, 1).toUpperCase()}
                    </Avatar>
                    <Text size="sm" visibleFrom="sm" data-testid="signed-in-user">
                      {name}
                    </Text>
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{t(roleLabel(user.role))}</Menu.Label>
                <Menu.Item component={Link} href="/profile/">
                  {t('nav.profile')}
                </Menu.Item>
                <Menu.Item color="red" onClick={signOut} data-testid="sign-out">
                  {t('nav.signOut')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {items.map((n) => (
            <NavLink
              key={n.href}
              component={Link}
              href={n.href}
              label={t(n.label)}
              active={pathname === n.href || pathname === n.href.slice(0, -1)}
              data-testid={`nav-${n.href.replace(/\//g, '')}`}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        {user.password_change_required ? <ForcedPasswordChange user={user} /> : children}
      </AppShell.Main>
    </AppShell>
  );
}
