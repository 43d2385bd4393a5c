'use client';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Progress,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import {
  ChannelStatus,
  channelTypeInfo,
  type ChannelBalanceResult,
  type ChannelDto,
  type ChannelTestResult,
} from '@one-api/contracts';
import { ChannelForm } from '../../../components/ChannelForm';
import { confirmAction } from '../../../components/confirm';
import { DataTable, type Column } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { api, apiEnvelope, apiFlat, json, qs } from '../../../lib/api';
import { formatLatency, formatQuota, formatTime, splitList } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { notifyError, notifySuccess, useFeedbackMutation, useQuotaDisplay } from '../../../lib/queries';

interface TestOutcome {
  ok: boolean;
  seconds?: number;
  message: string;
}

interface SweepState {
  done: number;
  total: number;
  failed: number;
  running: boolean;
}

export default function ChannelsPage() {
  const t = useT();
  const client = useQueryClient();
  const display = useQuotaDisplay();
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const [keyword, setKeyword] = useState('');
  const [search] = useDebouncedValue(keyword.trim(), 300);
  const [editing, setEditing] = useState<ChannelDto | null>(null);
  const [formOpen, form] = useDisclosure(false);
  const [tests, setTests] = useState<Record<number, TestOutcome>>({});
  const [testing, setTesting] = useState<Record<number, boolean>>({});
  const [sweep, setSweep] = useState<SweepState | null>(null);
  const cancelSweep = useRef(false);

  const list = useQuery({
    queryKey: ['channels', { page, size, search }],
    queryFn: () =>
      apiEnvelope<ChannelDto[]>(
        search
          ? `/api/channel/search${qs({ keyword: search, p: page, size })}`
          : `/api/channel/${qs({ p: page, size })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const setStatus = useFeedbackMutation({
    mutationFn: (v: { id: number; status: number }) =>
      api('/api/channel/?status_only=1', { method: 'PUT', body: json(v) }),
    success: (_r, v) => t(v.status === ChannelStatus.Enabled ? 'channels.enabled' : 'channels.disabled'),
    invalidate: [['channels']],
  });
  const remove = useFeedbackMutation({
    mutationFn: (id: number) => api(`/api/channel/${id}`, { method: 'DELETE' }),
    success: 'channels.deleted',
    invalidate: [['channels']],
  });
  const removeDisabled = useFeedbackMutation({
    mutationFn: () => api<number>('/api/channel/disabled', { method: 'DELETE' }),
    success: (n) => t('channels.deletedDisabled', { n }),
    invalidate: [['channels']],
  });
  const balance = useFeedbackMutation({
    mutationFn: (id: number) => apiFlat<ChannelBalanceResult>(`/api/channel/update_balance/${id}`),
    success: (r) => t('channels.balanceUpdated', { balance: r.balance.toFixed(2) }),
    invalidate: [['channels']],
  });

  /** GET /api/channel/test/:id (One API's flat answer: success, message = reply or error, time in seconds). */
  const runTest = async (channel: ChannelDto, quiet = false): Promise<boolean> => {
    setTesting((s) => ({ ...s, [channel.id]: true }));
    try {
      const r = await apiFlat<ChannelTestResult>(`/api/channel/test/${channel.id}`);
      setTests((s) => ({ ...s, [channel.id]: { ok: true, seconds: r.time, message: r.message } }));
      if (!quiet) notifySuccess(t('channels.testOk', { name: channel.name, time: r.time.toFixed(2) }));
      return true;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setTests((s) => ({ ...s, [channel.id]: { ok: false, message } }));
      if (!quiet) notifyError(t('channels.testFailed', { name: channel.name }), e);
      return false;
    } finally {
      setTesting((s) => ({ ...s, [channel.id]: false }));
    }
  };

  /** Tests every channel one after another, with progress (the page walks all pages of the list). */
  const testAll = async () => {
    cancelSweep.current = false;
    const all: ChannelDto[] = [];
    try {
      for (let p = 0; ; p++) {
        const res = await apiEnvelope<ChannelDto[]>(`/api/channel/${qs({ p, size: 100 })}`);
        all.push(...(res.data ?? []));
        if (!res.data?.length || all.length >= (res.total ?? 0)) break;
      }
    } catch (e) {
      notifyError(t('common.failed'), e);
      return;
    }
    const state: SweepState = { done: 0, total: all.length, failed: 0, running: true };
    setSweep({ ...state });
    for (const c of all) {
      if (cancelSweep.current) break;
      const ok = await runTest(c, true);
      state.done += 1;
      if (!ok) state.failed += 1;
      setSweep({ ...state });
    }
    setSweep({ ...state, running: false });
    await client.invalidateQueries({ queryKey: ['channels'] });
    notifySuccess(t('channels.testAllDone', { ok: state.done - state.failed, failed: state.failed }));
  };

  const columns: Column<ChannelDto>[] = [
    { key: 'id', title: 'ID', render: (c) => c.id, visibleFrom: 'md', width: 60 },
    {
      key: 'name',
      title: t('channels.name'),
      render: (c) => (
        <Stack gap={0}>
          <Text fw={500}>{c.name}</Text>
          <Text size="xs" c="dimmed">
            {channelTypeInfo(c.type)?.name ?? c.type}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'status',
      title: t('common.status'),
      render: (c) => <StatusBadge kind="channel" status={c.status} />,
    },
    {
      key: 'group',
      title: t('channels.groups'),
      visibleFrom: 'lg',
      render: (c) => (
        <Group gap={4}>
          {splitList(c.group).map((g) => (
            <Badge key={g} variant="outline" size="sm">
              {g}
            </Badge>
          ))}
        </Group>
      ),
    },
    {
      key: 'models',
      title: t('channels.models'),
      visibleFrom: 'md',
      render: (c) => {
        const models = splitList(c.models);
        return (
          <Tooltip label={models.join(', ')} multiline maw={360}>
            <Text size="sm">{t('keys.modelCount', { n: models.length })}</Text>
          </Tooltip>
        );
      },
    },
    {
      key: 'priority',
      title: t('channels.priority'),
      render: (c) => `${c.priority} / ${c.weight}`,
      visibleFrom: 'lg',
    },
    {
      key: 'test',
      title: t('channels.lastTest'),
      render: (c) => {
        const outcome = tests[c.id];
        if (outcome) {
          return (
            <Tooltip label={outcome.message || '-'} multiline maw={360}>
              <Badge
                color={outcome.ok ? 'green' : 'red'}
                variant="light"
                data-testid={`channel-test-result-${c.id}`}
              >
                {outcome.ok ? `${outcome.seconds?.toFixed(2)} s` : t('channels.testFailedShort')}
              </Badge>
            </Tooltip>
          );
        }
        return c.test_time ? (
          <Tooltip label={formatTime(c.test_time)}>
            <Text size="sm">{formatLatency(c.response_time)}</Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            {t('channels.notTested')}
          </Text>
        );
      },
    },
    {
      key: 'balance',
      title: t('channels.balance'),
      visibleFrom: 'xl',
      render: (c) =>
        c.balance_updated_time ? (
          <Tooltip label={formatTime(c.balance_updated_time)}>
            <Text size="sm">${c.balance.toFixed(2)}</Text>
          </Tooltip>
        ) : (
          '-'
        ),
    },
    {
      key: 'used',
      title: t('keys.used'),
      render: (c) => formatQuota(c.used_quota, display),
      visibleFrom: 'xl',
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (c) => (
        <Group gap={6} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="light"
            loading={!!testing[c.id]}
            onClick={() => runTest(c)}
            data-testid={`channel-test-${c.id}`}
          >
            {t('channels.test')}
          </Button>
          <Switch
            size="sm"
            aria-label={t('common.enabled')}
            checked={c.status === ChannelStatus.Enabled}
            disabled={setStatus.isPending}
            onChange={(e) =>
              setStatus.mutate({
                id: c.id,
                status: e.currentTarget.checked ? ChannelStatus.Enabled : ChannelStatus.ManuallyDisabled,
              })
            }
          />
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" aria-label={t('common.more')} data-testid={`channel-menu-${c.id}`}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                onClick={() => {
                  setEditing(c);
                  form.open();
                }}
              >
                {t('common.edit')}
              </Menu.Item>
              <Menu.Item onClick={() => balance.mutate(c.id)}>{t('channels.updateBalance')}</Menu.Item>
              <Menu.Item
                color="red"
                onClick={() =>
                  confirmAction(t, {
                    title: t('channels.deleteTitle'),
                    message: t('channels.deleteConfirm', { name: c.name }),
                    confirm: t('common.delete'),
                    onConfirm: () => remove.mutate(c.id),
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
      <PageHeader title={t('nav.channels')}>
        <TextInput
          placeholder={t('channels.search')}
          aria-label={t('channels.search')}
          value={keyword}
          onChange={(e) => {
            setKeyword(e.currentTarget.value);
            setPage(0);
          }}
        />
        <Button
          variant="default"
          onClick={testAll}
          disabled={!!sweep?.running}
          data-testid="channel-test-all"
        >
          {t('channels.testAll')}
        </Button>
        <Button
          variant="default"
          color="red"
          onClick={() =>
            confirmAction(t, {
              title: t('channels.deleteDisabledTitle'),
              message: t('channels.deleteDisabledConfirm'),
              confirm: t('common.delete'),
              onConfirm: () => removeDisabled.mutate(undefined),
            })
          }
        >
          {t('channels.deleteDisabled')}
        </Button>
        <Button
          data-testid="channel-create"
          onClick={() => {
            setEditing(null);
            form.open();
          }}
        >
          {t('channels.create')}
        </Button>
      </PageHeader>
      {sweep ? (
        <Paper withBorder p="sm" data-testid="test-all-progress">
          <Group justify="space-between" mb={6}>
            <Text size="sm">
              {t('channels.testAllProgress', { done: sweep.done, total: sweep.total, failed: sweep.failed })}
            </Text>
            {sweep.running ? (
              <Button size="compact-xs" variant="subtle" onClick={() => (cancelSweep.current = true)}>
                {t('common.cancel')}
              </Button>
            ) : (
              <Button size="compact-xs" variant="subtle" onClick={() => setSweep(null)}>
                {t('common.close')}
              </Button>
            )}
          </Group>
          <Progress
            value={sweep.total ? (sweep.done / sweep.total) * 100 : 100}
            color={sweep.failed ? 'orange' : 'green'}
            animated={sweep.running}
          />
        </Paper>
      ) : null}
      <DataTable
        testId="channels-table"
        columns={columns}
        rows={list.data?.data}
        rowKey={(c) => c.id}
        loading={list.isFetching}
        minWidth={720}
        paging={{
          page,
          size,
          total: list.data?.total ?? 0,
          onPage: setPage,
          onSize: (s) => (setSize(s), setPage(0)),
        }}
      />
      <ChannelForm opened={formOpen} channel={editing} onClose={form.close} />
    </Stack>
  );
}
