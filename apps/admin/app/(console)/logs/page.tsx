'use client';
import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import Link from 'next/link';
import { useState } from 'react';
import { LogType, type LogDto, type LogQuery, type LogStatDto } from '@one-api/contracts';
import { CopyText } from '../../../components/CopyText';
import { DataTable, type Column } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { api, apiEnvelope, qs } from '../../../lib/api';
import {
  formatLatency,
  formatNumber,
  formatQuota,
  formatTime,
  formatUsd,
  quotaToUsd,
} from '../../../lib/format';
import { useT, type MessageKey } from '../../../lib/i18n';
import { useQuotaDisplay } from '../../../lib/queries';
import { isAdmin, useSessionUser } from '../../../lib/session';

const TYPES: Record<number, [MessageKey, string]> = {
  [LogType.Topup]: ['logs.type.topup', 'green'],
  [LogType.Consume]: ['logs.type.consume', 'indigo'],
  [LogType.Manage]: ['logs.type.manage', 'orange'],
  [LogType.System]: ['logs.type.system', 'gray'],
  [LogType.Test]: ['logs.type.test', 'cyan'],
};

interface Filters {
  type: string;
  start: string | null;
  end: string | null;
  username: string;
  token_name: string;
  model_name: string;
  channel: number | string;
}

const EMPTY: Filters = {
  type: '0',
  start: null,
  end: null,
  username: '',
  token_name: '',
  model_name: '',
  channel: '',
};

function toQuery(f: Filters, admin: boolean): LogQuery {
  return {
    type: Number(f.type) || undefined,
    start_timestamp: f.start ? dayjs(f.start).unix() : undefined,
    end_timestamp: f.end ? dayjs(f.end).unix() : undefined,
    username: admin ? f.username.trim() || undefined : undefined,
    token_name: f.token_name.trim() || undefined,
    model_name: f.model_name.trim() || undefined,
    channel: admin ? Number(f.channel) || undefined : undefined,
  };
}

export default function LogsPage() {
  const t = useT();
  const me = useSessionUser();
  const admin = isAdmin(me);
  const display = useQuotaDisplay();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const base = admin ? '/api/log' : '/api/log/self';
  const query = toQuery(filters, admin);

  const list = useQuery({
    queryKey: ['logs', base, query, page, size],
    queryFn: () => apiEnvelope<LogDto[]>(`${base}/${qs({ ...query, p: page, size })}`),
    enabled: me !== undefined,
    placeholderData: keepPreviousData,
  });
  const stat = useQuery({
    queryKey: ['logs-stat', base, query],
    queryFn: () => api<LogStatDto>(`${base}/stat${qs({ ...query, type: undefined })}`),
    enabled: me !== undefined,
  });

  const set = (patch: Partial<Filters>) => setDraft((d) => ({ ...d, ...patch }));
  const apply = () => {
    setFilters(draft);
    setPage(0);
  };

  const columns: Column<LogDto>[] = [
    {
      key: 'time',
      title: t('logs.time'),
      render: (l) => (
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatTime(l.created_at)}
        </Text>
      ),
    },
    {
      key: 'type',
      title: t('logs.type'),
      render: (l) => {
        const [label, color] = TYPES[l.type] ?? (['logs.type.unknown', 'gray'] as [MessageKey, string]);
        return (
          <Badge color={color} variant="light">
            {t(label)}
          </Badge>
        );
      },
      visibleFrom: 'sm',
    },
    ...(admin
      ? [
          {
            key: 'user',
            title: t('logs.user'),
            render: (l: LogDto) => l.username,
            visibleFrom: 'sm' as const,
          },
        ]
      : []),
    { key: 'token', title: t('logs.key'), render: (l) => l.token_name, visibleFrom: 'md' },
    { key: 'model', title: t('logs.model'), render: (l) => l.model_name },
    ...(admin
      ? [
          {
            key: 'channel',
            title: t('logs.channel'),
            render: (l: LogDto) => (l.channel ? l.channel : ''),
            visibleFrom: 'lg' as const,
          },
        ]
      : []),
    {
      key: 'tokens',
      title: t('logs.tokens'),
      render: (l) =>
        l.type === LogType.Consume ? (
          <Tooltip
            label={`${t('logs.promptTokens')}: ${l.prompt_tokens} · ${t('logs.completionTokens')}: ${l.completion_tokens}`}
          >
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {formatNumber(l.prompt_tokens)} / {formatNumber(l.completion_tokens)}
            </Text>
          </Tooltip>
        ) : (
          ''
        ),
      visibleFrom: 'sm',
    },
    {
      key: 'cost',
      title: t('logs.cost'),
      render: (l) =>
        l.quota ? (
          <Tooltip label={`${t('logs.quota')}: ${formatNumber(l.quota)}`}>
            <Text size="sm" fw={500} data-testid="log-cost" data-quota={l.quota}>
              {formatUsd(quotaToUsd(l.quota, display))}
            </Text>
          </Tooltip>
        ) : (
          ''
        ),
    },
    {
      key: 'latency',
      title: t('logs.latency'),
      render: (l) => formatLatency(l.elapsed_time),
      visibleFrom: 'md',
    },
    {
      key: 'stream',
      title: t('logs.stream'),
      render: (l) =>
        l.type === LogType.Consume ? (
          <Badge size="sm" variant="outline" color={l.is_stream ? 'teal' : 'gray'}>
            {l.is_stream ? t('logs.streamYes') : t('logs.streamNo')}
          </Badge>
        ) : (
          ''
        ),
      visibleFrom: 'lg',
    },
    {
      key: 'request',
      title: t('logs.requestId'),
      visibleFrom: 'lg',
      render: (l) =>
        l.request_id ? (
          <Group gap={4} wrap="nowrap">
            <Anchor component={Link} href={`/cost/?request_id=${encodeURIComponent(l.request_id)}`} size="xs">
              <Code>{l.request_id.length > 14 ? `${l.request_id.slice(0, 12)}…` : l.request_id}</Code>
            </Anchor>
            <CopyText value={l.request_id} />
          </Group>
        ) : (
          ''
        ),
    },
    {
      key: 'content',
      title: t('logs.detail'),
      visibleFrom: 'xl',
      render: (l) => (
        <Tooltip label={l.content} multiline maw={420} disabled={!l.content}>
          <Text size="xs" lineClamp={1} maw={220}>
            {l.content}
          </Text>
        </Tooltip>
      ),
    },
  ];

  return (
    <Stack>
      <PageHeader title={t('nav.logs')} />
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <Select
            label={t('logs.type')}
            allowDeselect={false}
            value={draft.type}
            onChange={(v) => set({ type: v ?? '0' })}
            data={[
              { value: '0', label: t('logs.type.all') },
              ...Object.entries(TYPES).map(([value, [label]]) => ({ value, label: t(label) })),
            ]}
          />
          <DateTimePicker
            label={t('logs.from')}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            value={draft.start}
            onChange={(v) => set({ start: v })}
          />
          <DateTimePicker
            label={t('logs.to')}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
            value={draft.end}
            onChange={(v) => set({ end: v })}
          />
          {admin ? (
            <TextInput
              label={t('logs.user')}
              value={draft.username}
              onChange={(e) => set({ username: e.currentTarget.value })}
            />
          ) : null}
          <TextInput
            label={t('logs.key')}
            value={draft.token_name}
            onChange={(e) => set({ token_name: e.currentTarget.value })}
          />
          <TextInput
            label={t('logs.model')}
            value={draft.model_name}
            onChange={(e) => set({ model_name: e.currentTarget.value })}
            data-testid="logs-filter-model"
          />
          {admin ? (
            <NumberInput
              label={t('logs.channelId')}
              min={0}
              allowDecimal={false}
              value={draft.channel}
              onChange={(v) => set({ channel: v })}
            />
          ) : null}
        </SimpleGrid>
        <Group justify="space-between" mt="sm">
          <Text size="sm" data-testid="logs-stat">
            {t('logs.consumed')}:{' '}
            <b>{stat.data ? formatQuota(stat.data.quota, { ...display, inCurrency: true }) : '…'}</b>
          </Text>
          <Group gap="xs">
            <Button
              variant="default"
              onClick={() => {
                setDraft(EMPTY);
                setFilters(EMPTY);
                setPage(0);
              }}
            >
              {t('common.reset')}
            </Button>
            <Button onClick={apply} data-testid="logs-apply">
              {t('common.search')}
            </Button>
          </Group>
        </Group>
      </Paper>
      <DataTable
        testId="logs-table"
        columns={columns}
        rows={list.data?.data}
        rowKey={(l) => `${l.id}-${l.created_at}-${l.request_id}`}
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
    </Stack>
  );
}
