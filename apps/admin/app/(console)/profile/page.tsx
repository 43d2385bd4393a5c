'use client';
import {
  Badge,
  Button,
  Card,
  Code,
  Grid,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { UpdateSelfRequest, UserDto } from '@one-api/contracts';
import { confirmAction } from '../../../components/confirm';
import { CopyText } from '../../../components/CopyText';
import { PageHeader } from '../../../components/PageHeader';
import { TwoFactorCard } from '../../../components/TwoFactorCard';
import { api, json } from '../../../lib/api';
import { formatNumber, formatQuota } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useFeedbackMutation, useQuotaDisplay, useSelf } from '../../../lib/queries';
import { storeUser, useSessionUser } from '../../../lib/session';

function Field({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={500} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

export default function ProfilePage() {
  const t = useT();
  const me = useSessionUser();
  const display = useQuotaDisplay();
  const self = useSelf();
  const [accessToken, setAccessToken] = useState<string | null>(null);
  const [redeemKey, setRedeemKey] = useState('');
  const models = useQuery({
    queryKey: ['available-models'],
    queryFn: () => api<string[]>('/api/user/available_models'),
  });
  const aff = useQuery({ queryKey: ['aff'], queryFn: () => api<string>('/api/user/aff') });

  const form = useForm({
    initialValues: { username: '', display_name: '', password: '', confirm: '' },
    validate: {
      username: (v) =>
        !v.trim() ? t('login.usernameRequired') : v.trim().length > 30 ? t('register.usernameTooLong') : null,
      display_name: (v) => (v.length > 20 ? t('users.displayNameTooLong') : null),
      password: (v) => (v && (v.length < 8 || v.length > 20) ? t('register.passwordLength') : null),
      confirm: (v, values) => (v === values.password ? null : t('register.passwordMismatch')),
    },
  });
  useEffect(() => {
    if (self.data)
      form.setValues({
        username: self.data.username,
        display_name: self.data.display_name,
        password: '',
        confirm: '',
      });
  }, [self.data]);

  const update = useFeedbackMutation({
    mutationFn: (body: UpdateSelfRequest) =>
      api<UserDto>('/api/user/self', { method: 'PUT', body: json(body) }),
    success: 'profile.saved',
    invalidate: [['self']],
    onSuccess: (u) => {
      if (me) storeUser({ ...me, username: u.username, display_name: u.display_name });
      form.setFieldValue('password', '');
      form.setFieldValue('confirm', '');
    },
  });
  const token = useFeedbackMutation({
    mutationFn: () => api<string>('/api/user/token'),
    success: 'profile.tokenGenerated',
    onSuccess: (v) => setAccessToken(v),
  });
  const redeem = useFeedbackMutation({
    mutationFn: (key: string) => api<number>('/api/user/topup', { method: 'POST', body: json({ key }) }),
    success: (quota) => t('profile.redeemed', { value: formatQuota(quota, display) }),
    invalidate: [['self']],
    onSuccess: () => setRedeemKey(''),
  });

  const u = self.data;
  const inviteLink = aff.data
    ? `${typeof window === 'undefined' ? '' : window.location.origin}/register/?aff=${aff.data}`
    : '';

  return (
    <Stack>
      <PageHeader title={t('nav.profile')} />
      <Card withBorder>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
          <Field label={t('login.username')} value={u?.username ?? '…'} testId="profile-username" />
          <Field label={t('users.group')} value={u?.group ?? '…'} />
          <Field
            label={t('dashboard.quotaLeft')}
            value={u ? formatQuota(u.quota, display) : '…'}
            testId="profile-quota"
          />
          <Field label={t('dashboard.usedQuota')} value={u ? formatQuota(u.used_quota, display) : '…'} />
          <Field label={t('dashboard.requests')} value={u ? formatNumber(u.request_count) : '…'} />
          <Field label="ID" value={u ? String(u.id) : '…'} />
        </SimpleGrid>
      </Card>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card withBorder h="100%">
            <Title order={5} mb="sm">
              {t('profile.account')}
            </Title>
            <form
              onSubmit={form.onSubmit((v) =>
                update.mutate({
                  username: v.username.trim(),
                  display_name: v.display_name.trim(),
                  password: v.password,
                }),
              )}
            >
              <Stack gap="sm">
                <TextInput label={t('login.username')} {...form.getInputProps('username')} />
                <TextInput
                  label={t('users.displayName')}
                  {...form.getInputProps('display_name')}
                  data-testid="profile-display-name"
                />
                <PasswordInput
                  label={t('profile.newPassword')}
                  description={t('users.passwordKeep')}
                  autoComplete="new-password"
                  {...form.getInputProps('password')}
                />
                <PasswordInput
                  label={t('register.confirm')}
                  autoComplete="new-password"
                  {...form.getInputProps('confirm')}
                />
                <Group justify="flex-end">
                  <Button type="submit" loading={update.isPending} data-testid="profile-save">
                    {t('common.save')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack>
            <Card withBorder>
              <Title order={5} mb={4}>
                {t('profile.accessToken')}
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {t('profile.accessTokenHint')}
              </Text>
              {accessToken ? (
                <Group gap="xs" mb="sm" wrap="nowrap">
                  <Code data-testid="access-token" style={{ wordBreak: 'break-all' }}>
                    {accessToken}
                  </Code>
                  <CopyText value={accessToken} />
                </Group>
              ) : null}
              <Button
                variant="light"
                loading={token.isPending}
                data-testid="access-token-generate"
                onClick={() =>
                  confirmAction(t, {
                    title: t('profile.accessToken'),
                    message: t('profile.tokenRotateConfirm'),
                    confirm: t('profile.generate'),
                    onConfirm: () => token.mutate(undefined),
                  })
                }
              >
                {t('profile.generate')}
              </Button>
            </Card>
            <Card withBorder>
              <Title order={5} mb="sm">
                {t('profile.redeem')}
              </Title>
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  style={{ flex: 1 }}
                  label={t('profile.redeemCode')}
                  value={redeemKey}
                  onChange={(e) => setRedeemKey(e.currentTarget.value)}
                  data-testid="redeem-code"
                />
                <Button
                  loading={redeem.isPending}
                  disabled={!redeemKey.trim()}
                  onClick={() => redeem.mutate(redeemKey.trim())}
                  data-testid="redeem-submit"
                >
                  {t('profile.redeemSubmit')}
                </Button>
              </Group>
            </Card>
            <TwoFactorCard />
            {inviteLink ? (
              <Card withBorder>
                <Title order={5} mb="sm">
                  {t('profile.invite')}
                </Title>
                <Group gap="xs" wrap="nowrap">
                  <Code style={{ wordBreak: 'break-all' }}>{inviteLink}</Code>
                  <CopyText value={inviteLink} />
                </Group>
              </Card>
            ) : null}
          </Stack>
        </Grid.Col>
      </Grid>
      <Card withBorder>
        <Title order={5} mb="sm">
          {t('profile.models')}
        </Title>
        <Group gap={6}>
          {(models.data ?? []).map((m) => (
            <Badge key={m} variant="light" tt="none">
              {m}
            </Badge>
          ))}
          {models.data && !models.data.length ? <Text c="dimmed">{t('common.empty')}</Text> : null}
        </Group>
      </Card>
    </Stack>
  );
}
