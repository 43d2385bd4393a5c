'use client';
import {
  ActionIcon,
  Button,
  Code,
  Group,
  Menu,
  Modal,
  NumberInput,
  ScrollArea,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { RedemptionStatus, type CreateRedemptionRequest, type RedemptionDto } from '@one-api/contracts';
import { confirmAction } from '../../../components/confirm';
import { CopyText } from '../../../components/CopyText';
import { DataTable, type Column } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { StatusBadge } from '../../../components/StatusBadge';
import { api, apiEnvelope, json, qs } from '../../../lib/api';
import { formatQuota, formatTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useFeedbackMutation, useQuotaDisplay } from '../../../lib/queries';

export default function RedemptionsPage() {
  const t = useT();
  const display = useQuotaDisplay();
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(10);
  const [keyword, setKeyword] = useState('');
  const [search] = useDebouncedValue(keyword.trim(), 300);
  const [createOpen, createModal] = useDisclosure(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const form = useForm<CreateRedemptionRequest>({
    initialValues: { name: '', quota: 500000, count: 1 },
    validate: {
      name: (v) =>
        v.trim().length < 1 || new TextEncoder().encode(v.trim()).length > 20
          ? t('redemptions.nameInvalid')
          : null,
      quota: (v) => (!Number.isInteger(v) || v < 1 ? t('keys.quotaInvalid') : null),
      count: (v) => (!Number.isInteger(v) || v < 1 || v > 100 ? t('redemptions.countInvalid') : null),
    },
  });

  const list = useQuery({
    queryKey: ['redemptions', { page, size, search }],
    queryFn: () =>
      apiEnvelope<RedemptionDto[]>(
        search
          ? `/api/redemption/search${qs({ keyword: search, p: page, size })}`
          : `/api/redemption/${qs({ p: page, size })}`,
      ),
    placeholderData: keepPreviousData,
  });

  const create = useFeedbackMutation({
    mutationFn: (body: CreateRedemptionRequest) =>
      api<string[]>('/api/redemption/', { method: 'POST', body: json(body) }),
    success: (r) => t('redemptions.created', { n: r.length }),
    invalidate: [['redemptions']],
    onSuccess: (r) => {
      createModal.close();
      form.reset();
      setCodes(r);
    },
  });
  const setStatus = useFeedbackMutation({
    mutationFn: (v: { id: number; status: number }) =>
      api('/api/redemption/?status_only=1', { method: 'PUT', body: json(v) }),
    success: 'common.saved',
    invalidate: [['redemptions']],
  });
  const remove = useFeedbackMutation({
    mutationFn: (id: number) => api(`/api/redemption/${id}`, { method: 'DELETE' }),
    success: 'redemptions.deleted',
    invalidate: [['redemptions']],
  });

  const columns: Column<RedemptionDto>[] = [
    { key: 'id', title: 'ID', render: (r) => r.id, visibleFrom: 'md', width: 60 },
    { key: 'name', title: t('redemptions.name'), render: (r) => r.name },
    {
      key: 'status',
      title: t('common.status'),
      render: (r) => <StatusBadge kind="redemption" status={r.status} />,
    },
    { key: 'quota', title: t('users.quota'), render: (r) => formatQuota(r.quota, display) },
    {
      key: 'created',
      title: t('common.created'),
      render: (r) => formatTime(r.created_time),
      visibleFrom: 'md',
    },
    {
      key: 'redeemed',
      title: t('redemptions.redeemed'),
      render: (r) => formatTime(r.redeemed_time),
      visibleFrom: 'md',
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (r) => (
        <Group gap={6} wrap="nowrap">
          <CopyText value={r.key} />
          <Switch
            size="sm"
            aria-label={t('common.enabled')}
            disabled={r.status === RedemptionStatus.Used || setStatus.isPending}
            checked={r.status === RedemptionStatus.Enabled}
            onChange={(e) =>
              setStatus.mutate({
                id: r.id,
                status: e.currentTarget.checked ? RedemptionStatus.Enabled : RedemptionStatus.Disabled,
              })
            }
          />
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" aria-label={t('common.more')}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item
                color="red"
                onClick={() =>
                  confirmAction(t, {
                    title: t('redemptions.deleteTitle'),
                    message: t('redemptions.deleteConfirm', { name: r.name }),
                    confirm: t('common.delete'),
                    onConfirm: () => remove.mutate(r.id),
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
      <PageHeader title={t('nav.redemptions')}>
        <TextInput
          placeholder={t('redemptions.search')}
          aria-label={t('redemptions.search')}
          value={keyword}
          onChange={(e) => {
            setKeyword(e.currentTarget.value);
            setPage(0);
          }}
        />
        <Button onClick={createModal.open} data-testid="redemption-create">
          {t('redemptions.create')}
        </Button>
      </PageHeader>
      <DataTable
        testId="redemptions-table"
        columns={columns}
        rows={list.data?.data}
        rowKey={(r) => r.id}
        loading={list.isFetching}
        paging={{
          page,
          size,
          total: list.data?.total ?? 0,
          onPage: setPage,
          onSize: (s) => (setSize(s), setPage(0)),
        }}
      />
      <Modal opened={createOpen} onClose={createModal.close} title={t('redemptions.create')}>
        <form onSubmit={form.onSubmit((v) => create.mutate({ ...v, name: v.name.trim() }))}>
          <Stack gap="sm">
            <TextInput
              label={t('redemptions.name')}
              withAsterisk
              data-testid="redemption-name"
              {...form.getInputProps('name')}
            />
            <NumberInput
              label={t('users.quota')}
              description={formatQuota(form.values.quota || 0, { ...display, inCurrency: true })}
              min={1}
              step={500000}
              allowDecimal={false}
              thousandSeparator=","
              {...form.getInputProps('quota')}
            />
            <NumberInput
              label={t('redemptions.count')}
              min={1}
              max={100}
              allowDecimal={false}
              data-testid="redemption-count"
              {...form.getInputProps('count')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={createModal.close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending} data-testid="redemption-submit">
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={!!codes} onClose={() => setCodes(null)} title={t('redemptions.codesTitle')} size="lg">
        {codes ? (
          <Stack>
            <Text size="sm">{t('redemptions.codesHint')}</Text>
            <ScrollArea.Autosize mah={300}>
              <Code block data-testid="redemption-codes">
                {codes.join('\n')}
              </Code>
            </ScrollArea.Autosize>
            <Group justify="flex-end">
              <CopyText value={codes.join('\n')} label={t('redemptions.copyAll')} />
              <Button variant="default" onClick={() => setCodes(null)}>
                {t('common.close')}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
