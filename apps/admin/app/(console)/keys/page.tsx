'use client';
import {
  ActionIcon,
  Button,
  Code,
  Group,
  Menu,
  Modal,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { TokenStatus, type TokenDto } from '@one-api/contracts';
import { confirmAction } from '../../../components/confirm';
import { CopyText } from '../../../components/CopyText';
import { DataTable, type Column } from '../../../components/DataTable';
import { KeyForm } from '../../../components/KeyForm';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { api, apiEnvelope, json, qs } from '../../../lib/api';
import { formatQuota, formatTime, splitList } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useFeedbackMutation, useQuotaDisplay } from '../../../lib/queries';

export default function KeysPage() {
  const t = useT();
  const display = useQuotaDisplay();
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const [keyword, setKeyword] = useState('');
  const [search] = useDebouncedValue(keyword.trim(), 300);
  const [editing, setEditing] = useState<TokenDto | null>(null);
  const [formOpen, form] = useDisclosure(false);
  const [created, setCreated] = useState<TokenDto | null>(null);

  const list = useQuery({
    queryKey: ['tokens', { page, size, search }],
    queryFn: () =>
      apiEnvelope<TokenDto[]>(
        search
          ? `/api/token/search${qs({ keyword: search, p: page, size })}`
          : `/api/token/${qs({ p: page, size })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const setStatus = useFeedbackMutation({
    mutationFn: (v: { id: number; status: number }) =>
      api<TokenDto>('/api/token/?status_only=1', { method: 'PUT', body: json(v) }),
    success: (_r, v) => t(v.status === TokenStatus.Enabled ? 'keys.enabled' : 'keys.disabled'),
    invalidate: [['tokens']],
  });
  const remove = useFeedbackMutation({
    mutationFn: (id: number) => api(`/api/token/${id}`, { method: 'DELETE' }),
    success: 'keys.deleted',
    invalidate: [['tokens']],
  });

  const columns: Column<TokenDto>[] = [
    { key: 'name', title: t('keys.name'), render: (k) => <Text fw={500}>{k.name}</Text> },
    {
      key: 'status',
      title: t('common.status'),
      render: (k) => <StatusBadge kind="token" status={k.status} />,
    },
    {
      key: 'remain',
      title: t('keys.remaining'),
      render: (k) => (k.unlimited_quota ? t('keys.unlimited') : formatQuota(k.remain_quota, display)),
    },
    {
      key: 'used',
      title: t('keys.used'),
      render: (k) => formatQuota(k.used_quota, display),
      visibleFrom: 'sm',
    },
    {
      key: 'models',
      title: t('keys.models'),
      visibleFrom: 'md',
      render: (k) => {
        const models = splitList(k.models);
        return models.length ? (
          <Tooltip label={models.join(', ')} multiline maw={320}>
            <Text size="sm">{t('keys.modelCount', { n: models.length })}</Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            {t('keys.allModels')}
          </Text>
        );
      },
    },
    {
      key: 'created',
      title: t('common.created'),
      render: (k) => formatTime(k.created_time),
      visibleFrom: 'lg',
    },
    {
      key: 'expires',
      title: t('keys.expires'),
      render: (k) => (k.expired_time === -1 ? t('keys.never') : formatTime(k.expired_time)),
      visibleFrom: 'md',
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (k) => (
        <Group gap={6} wrap="nowrap">
          <CopyText value={k.key} testId={`copy-key-${k.id}`} />
          <Switch
            size="sm"
            aria-label={t('common.enabled')}
            checked={k.status === TokenStatus.Enabled}
            disabled={setStatus.isPending}
            onChange={(e) =>
              setStatus.mutate({
                id: k.id,
                status: e.currentTarget.checked ? TokenStatus.Enabled : TokenStatus.Disabled,
              })
            }
          />
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" aria-label={t('common.more')} data-testid={`key-menu-${k.id}`}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                onClick={() => {
                  setEditing(k);
                  form.open();
                }}
              >
                {t('common.edit')}
              </Menu.Item>
              <Menu.Item
                color="red"
                onClick={() =>
                  confirmAction(t, {
                    title: t('keys.deleteTitle'),
                    message: t('keys.deleteConfirm', { name: k.name }),
                    confirm: t('common.delete'),
                    onConfirm: () => remove.mutate(k.id),
                  })
                }
              >
                {t('common.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      ),
    },
  ];

  return (
    <Stack>
      <PageHeader title={t('nav.keys')}>
        <TextInput
          placeholder={t('keys.search')}
          value={keyword}
          onChange={(e) => {
            setKeyword(e.currentTarget.value);
            setPage(0);
          }}
          aria-label={t('keys.search')}
        />
        <Button
          data-testid="key-create"
          onClick={() => {
            setEditing(null);
            form.open();
          }}
        >
          {t('keys.create')}
        </Button>
      </PageHeader>
      <DataTable
        testId="keys-table"
        columns={columns}
        rows={list.data?.data}
        rowKey={(k) => k.id}
        loading={list.isFetching}
        paging={{
          page,
          size,
          total: list.data?.total ?? 0,
          onPage: setPage,
          onSize: (s) => (setSize(s), setPage(0)),
        }}
      />
      <KeyForm opened={formOpen} token={editing} onClose={form.close} onCreated={(tok) => setCreated(tok)} />
      <Modal opened={!!created} onClose={() => setCreated(null)} title={t('keys.createdTitle')} centered>
        {created ? (
          <Stack>
            <Text size="sm">{t('keys.createdHint')}</Text>
            <Code block data-testid="created-key">
              {created.key}
            </Code>
            <Group justify="flex-end">
              <CopyText value={created.key} testId="copy-created-key" />
              <Button variant="default" onClick={() => setCreated(null)}>
                {t('common.close')}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
