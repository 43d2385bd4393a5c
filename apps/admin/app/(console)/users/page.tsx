'use client';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  NumberInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Role,
  UserStatus,
  type AdminTopUpRequest,
  type ManageUserAction,
  type UserDto,
} from '@one-api/contracts';
import { confirmAction } from '../../../components/confirm';
import { DataTable, type Column } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { UserForm } from '../../../components/UserForm';
import { api, apiEnvelope, json, qs } from '../../../lib/api';
import { formatNumber, formatQuota } from '../../../lib/format';
import { useT, type MessageKey } from '../../../lib/i18n';
import { useFeedbackMutation, useQuotaDisplay } from '../../../lib/queries';
import { isRoot, useSessionUser } from '../../../lib/session';

const ROLE: Record<number, [MessageKey, string]> = {
  [Role.Common]: ['role.common', 'gray'],
  [Role.Admin]: ['role.admin', 'blue'],
  [Role.Root]: ['role.root', 'grape'],
};

export default function UsersPage() {
  const t = useT();
  const me = useSessionUser();
  const display = useQuotaDisplay();
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const [keyword, setKeyword] = useState('');
  const [search] = useDebouncedValue(keyword.trim(), 300);
  const [editing, setEditing] = useState<UserDto | null>(null);
  const [formOpen, form] = useDisclosure(false);
  const [topUpUser, setTopUpUser] = useState<UserDto | null>(null);
  const [topUpAmount, setTopUpAmount] = useState<number | string>(500000);
  const [topUpRemark, setTopUpRemark] = useState('');

  const list = useQuery({
    queryKey: ['users', { page, size, search }],
    queryFn: () =>
      apiEnvelope<UserDto[]>(
        search
          ? `/api/user/search${qs({ keyword: search, p: page, size })}`
          : `/api/user/${qs({ p: page, size })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const manage = useFeedbackMutation({
    mutationFn: (v: { username: string; action: ManageUserAction }) =>
      api<{ role: number; status: number }>('/api/user/manage', { method: 'POST', body: json(v) }),
    success: (_r, v) => t(`users.action.${v.action}.done` as MessageKey),
    invalidate: [['users']],
  });
  const topUp = useFeedbackMutation({
    mutationFn: (body: AdminTopUpRequest) => api<number>('/api/topup/', { method: 'POST', body: json(body) }),
    success: 'users.toppedUp',
    invalidate: [['users']],
    onSuccess: () => setTopUpUser(null),
  });

  const disableTotp = useFeedbackMutation({
    mutationFn: (id: number) => api(`/api/user/totp/disable/${id}`, { method: 'POST' }),
    success: 'totp.disabledForUser',
  });

  const act = (u: UserDto, action: ManageUserAction) => {
    const run = () => manage.mutate({ username: u.username, action });
    if (action === 'enable') return run();
    confirmAction(t, {
      title: t(`users.action.${action}` as MessageKey),
      message: t(`users.action.${action}.confirm` as MessageKey, { name: u.username }),
      onConfirm: run,
    });
  };

  const columns: Column<UserDto>[] = [
    { key: 'id', title: 'ID', render: (u) => u.id, visibleFrom: 'md', width: 60 },
    {
      key: 'username',
      title: t('login.username'),
      render: (u) => (
        <Stack gap={0}>
          <Text fw={500}>{u.username}</Text>
          {u.display_name && u.display_name !== u.username ? (
            <Text size="xs" c="dimmed">
              {u.display_name}
            </Text>
          ) : null}
        </Stack>
      ),
    },
    {
      key: 'role',
      title: t('users.role'),
      render: (u) => {
        const [label, color] = ROLE[u.role] ?? ['role.common', 'gray'];
        return (
          <Badge color={color} variant="light">
            {t(label)}
          </Badge>
        );
      },
    },
    {
      key: 'status',
      title: t('common.status'),
      render: (u) => <StatusBadge kind="user" status={u.status} />,
    },
    { key: 'group', title: t('users.group'), render: (u) => u.group, visibleFrom: 'md' },
    { key: 'quota', title: t('users.quota'), render: (u) => formatQuota(u.quota, display) },
    {
      key: 'used',
      title: t('keys.used'),
      render: (u) => formatQuota(u.used_quota, display),
      visibleFrom: 'lg',
    },
    {
      key: 'requests',
      title: t('dashboard.requests'),
      render: (u) => formatNumber(u.request_count),
      visibleFrom: 'lg',
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (u) => (
        <Group gap={6} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="light"
            onClick={() => {
              setEditing(u);
              form.open();
            }}
          >
            {t('common.edit')}
          </Button>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" aria-label={t('common.more')} data-testid={`user-menu-${u.id}`}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setTopUpUser(u)}>{t('users.topUp')}</Menu.Item>
              {u.status === UserStatus.Enabled ? (
                <Menu.Item onClick={() => act(u, 'disable')}>{t('users.action.disable')}</Menu.Item>
              ) : (
                <Menu.Item onClick={() => act(u, 'enable')}>{t('users.action.enable')}</Menu.Item>
              )}
              {isRoot(me) && u.role === Role.Common ? (
                <Menu.Item onClick={() => act(u, 'promote')}>{t('users.action.promote')}</Menu.Item>
              ) : null}
              {isRoot(me) && u.role === Role.Admin ? (
                <Menu.Item onClick={() => act(u, 'demote')}>{t('users.action.demote')}</Menu.Item>
              ) : null}
              <Menu.Item
                onClick={() =>
                  confirmAction(t, {
                    title: t('totp.adminDisable'),
                    message: t('totp.adminDisableConfirm', { name: u.username }),
                    onConfirm: () => disableTotp.mutate(u.id),
                  })
                }
              >
                {t('totp.adminDisable')}
              </Menu.Item>
              <Menu.Item color="red" onClick={() => act(u, 'delete')}>
                {t('users.action.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      ),
    },
  ];

  return (
    <Stack>
      <PageHeader title={t('nav.users')}>
        <TextInput
          placeholder={t('users.search')}
          aria-label={t('users.search')}
          value={keyword}
          onChange={(e) => {
            setKeyword(e.currentTarget.value);
            setPage(0);
          }}
        />
        <Button
          data-testid="user-create"
          onClick={() => {
            setEditing(null);
            form.open();
          }}
        >
          {t('users.create')}
        </Button>
      </PageHeader>
      <DataTable
        testId="users-table"
        columns={columns}
        rows={list.data?.data}
        rowKey={(u) => u.id}
        loading={list.isFetching}
        paging={{
          page,
          size,
          total: list.data?.total ?? 0,
          onPage: setPage,
          onSize: (s) => (setSize(s), setPage(0)),
        }}
      />
      <UserForm opened={formOpen} user={editing} onClose={form.close} />
      <Modal
        opened={!!topUpUser}
        onClose={() => setTopUpUser(null)}
        title={t('users.topUpTitle', { name: topUpUser?.username ?? '' })}
      >
        <Stack>
          <NumberInput
            label={t('users.topUpAmount')}
            description={formatQuota(Number(topUpAmount) || 0, { ...display, inCurrency: true })}
            min={1}
            step={500000}
            allowDecimal={false}
            thousandSeparator=","
            value={topUpAmount}
            onChange={setTopUpAmount}
          />
          <TextInput
            label={t('users.topUpRemark')}
            value={topUpRemark}
            onChange={(e) => setTopUpRemark(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setTopUpUser(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={topUp.isPending}
              disabled={!(Number(topUpAmount) >= 1)}
              onClick={() =>
                topUpUser &&
                topUp.mutate({
                  user_id: topUpUser.id,
                  quota: Number(topUpAmount),
                  remark: topUpRemark || undefined,
                })
              }
            >
              {t('users.topUp')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
