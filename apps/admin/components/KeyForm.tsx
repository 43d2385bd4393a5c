'use client';
import { Button, Group, Modal, NumberInput, Stack, Switch, TagsInput, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useEffect } from 'react';
import type { CreateTokenRequest, TokenDto } from '@one-api/contracts';
import { api, json } from '../lib/api';
import { formatQuota, splitList } from '../lib/format';
import { useT } from '../lib/i18n';
import { useFeedbackMutation, useQuotaDisplay } from '../lib/queries';

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

interface Values {
  name: string;
  unlimited: boolean;
  remain_quota: number;
  never: boolean;
  expires: string | null;
  models: string[];
  subnet: string;
}

const EMPTY: Values = {
  name: '',
  unlimited: false,
  remain_quota: 500000,
  never: true,
  expires: null,
  models: [],
  subnet: '',
};

function fromToken(tok: TokenDto): Values {
  return {
    name: tok.name,
    unlimited: tok.unlimited_quota,
    remain_quota: tok.remain_quota,
    never: tok.expired_time === -1,
    expires: tok.expired_time > 0 ? dayjs.unix(tok.expired_time).format('YYYY-MM-DD HH:mm:ss') : null,
    models: splitList(tok.models),
    subnet: tok.subnet ?? '',
  };
}

/** Create or edit an API key: quota, expiry, model allow-list and subnet. */
export function KeyForm(props: {
  opened: boolean;
  token: TokenDto | null;
  onClose(): void;
  onCreated(token: TokenDto): void;
}) {
  const t = useT();
  const display = useQuotaDisplay();
  const models = useQuery({
    queryKey: ['available-models'],
    queryFn: () => api<string[]>('/api/user/available_models'),
    enabled: props.opened,
  });
  const form = useForm<Values>({
    initialValues: EMPTY,
    validate: {
      name: (v) => (!v.trim() ? t('keys.nameRequired') : v.length > 30 ? t('keys.nameTooLong') : null),
      remain_quota: (v, values) =>
        !values.unlimited && (!Number.isInteger(v) || v < 0) ? t('keys.quotaInvalid') : null,
      expires: (v, values) => (!values.never && !v ? t('keys.expiryRequired') : null),
      subnet: (v) => {
        const bad = splitList(v).find((s) => !CIDR.test(s));
        return bad ? t('keys.subnetInvalid', { value: bad }) : null;
      },
    },
  });

  useEffect(() => {
    if (!props.opened) return;
    form.setValues(props.token ? fromToken(props.token) : EMPTY);
    form.resetDirty();
  }, [props.opened, props.token]);

  const save = useFeedbackMutation({
    mutationFn: (body: CreateTokenRequest) =>
      props.token
        ? api<TokenDto>('/api/token/', { method: 'PUT', body: json({ ...body, id: props.token.id }) })
        : api<TokenDto>('/api/token/', { method: 'POST', body: json(body) }),
    success: props.token ? 'keys.saved' : 'keys.createdNotice',
    invalidate: [['tokens']],
    onSuccess: (tok) => {
      props.onClose();
      if (!props.token) props.onCreated(tok);
    },
  });

  const submit = form.onSubmit((v) =>
    save.mutate({
      name: v.name.trim(),
      unlimited_quota: v.unlimited,
      remain_quota: v.unlimited ? 0 : v.remain_quota,
      expired_time: v.never || !v.expires ? -1 : dayjs(v.expires).unix(),
      models: v.models.join(','),
      subnet: splitList(v.subnet).join(','),
    }),
  );

  const setExpiry = (amount: number, unit: 'hour' | 'day' | 'month') => {
    form.setFieldValue('never', false);
    form.setFieldValue('expires', dayjs().add(amount, unit).format('YYYY-MM-DD HH:mm:ss'));
  };

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t(props.token ? 'keys.editTitle' : 'keys.create')}
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label={t('keys.name')}
            data-testid="key-name"
            withAsterisk
            {...form.getInputProps('name')}
          />
          <Switch label={t('keys.unlimited')} {...form.getInputProps('unlimited', { type: 'checkbox' })} />
          {!form.values.unlimited ? (
            <NumberInput
              label={t('keys.quota')}
              description={t('keys.quotaHint', {
                value: formatQuota(form.values.remain_quota || 0, { ...display, inCurrency: true }),
              })}
              min={0}
              step={500000}
              allowDecimal={false}
              thousandSeparator=","
              data-testid="key-quota"
              {...form.getInputProps('remain_quota')}
            />
          ) : null}
          <Switch label={t('keys.neverExpires')} {...form.getInputProps('never', { type: 'checkbox' })} />
          {!form.values.never ? (
            <DateTimePicker
              label={t('keys.expires')}
              valueFormat="YYYY-MM-DD HH:mm"
              minDate={new Date()}
              {...form.getInputProps('expires')}
            />
          ) : null}
          <Group gap="xs">
            <Button size="compact-xs" variant="light" onClick={() => form.setFieldValue('never', true)}>
              {t('keys.never')}
            </Button>
            <Button size="compact-xs" variant="light" onClick={() => setExpiry(1, 'month')}>
              {t('keys.oneMonth')}
            </Button>
            <Button size="compact-xs" variant="light" onClick={() => setExpiry(1, 'day')}>
              {t('keys.oneDay')}
            </Button>
            <Button size="compact-xs" variant="light" onClick={() => setExpiry(1, 'hour')}>
              {t('keys.oneHour')}
            </Button>
          </Group>
          <TagsInput
            label={t('keys.models')}
            description={t('keys.modelsHint')}
            data={models.data ?? []}
            clearable
            {...form.getInputProps('models')}
          />
          <TextInput
            label={t('keys.subnet')}
            description={t('keys.subnetHint')}
            placeholder="192.168.0.0/24,10.0.0.0/8"
            {...form.getInputProps('subnet')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="key-submit">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
