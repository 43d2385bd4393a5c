'use client';
import { Button, Group, Modal, NumberInput, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { Role, type CreateUserRequest, type UserDto } from '@one-api/contracts';
import { api, json } from '../lib/api';
import { formatQuota } from '../lib/format';
import { useT } from '../lib/i18n';
import { useFeedbackMutation, useGroups, useQuotaDisplay } from '../lib/queries';
import { isRoot, useSessionUser } from '../lib/session';

interface Values {
  username: string;
  display_name: string;
  password: string;
  email: string;
  group: string;
  quota: number;
  role: string;
}

const EMPTY: Values = {
  username: '',
  display_name: '',
  password: '',
  email: '',
  group: 'default',
  quota: 0,
  role: String(Role.Common),
};

/** Create a user, or edit one (an empty password keeps the current one). */
export function UserForm(props: { opened: boolean; user: UserDto | null; onClose(): void }) {
  const t = useT();
  const me = useSessionUser();
  const display = useQuotaDisplay();
  const groups = useGroups(props.opened);
  const editing = !!props.user;
  const form = useForm<Values>({
    initialValues: EMPTY,
    validate: {
      username: (v) =>
        !v.trim() ? t('login.usernameRequired') : v.trim().length > 30 ? t('register.usernameTooLong') : null,
      password: (v) =>
        (!editing || v) && (v.length < 8 || v.length > 20) ? t('register.passwordLength') : null,
      display_name: (v) => (v.length > 20 ? t('users.displayNameTooLong') : null),
      email: (v) => (v && !/^\S+@\S+\.\S+$/.test(v) ? t('register.emailInvalid') : null),
      quota: (v) => (!Number.isInteger(v) || v < 0 ? t('keys.quotaInvalid') : null),
    },
  });

  useEffect(() => {
    if (!props.opened) return;
    const u = props.user;
    form.setValues(
      u
        ? {
            username: u.username,
            display_name: u.display_name,
            password: '',
            email: u.email,
            group: u.group || 'default',
            quota: u.quota,
            role: String(u.role),
          }
        : EMPTY,
    );
  }, [props.opened, props.user]);

  const save = useFeedbackMutation({
    mutationFn: (body: CreateUserRequest) =>
      props.user
        ? api<UserDto>('/api/user/', {
            method: 'PUT',
            body: json({ ...body, id: props.user.id, role: undefined }),
          })
        : api<UserDto>('/api/user/', { method: 'POST', body: json(body) }),
    success: editing ? 'users.saved' : 'users.created',
    invalidate: [['users']],
    onSuccess: () => props.onClose(),
  });

  const roles = [{ value: String(Role.Common), label: t('role.common') }];
  if (isRoot(me)) roles.push({ value: String(Role.Admin), label: t('role.admin') });

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t(editing ? 'users.editTitle' : 'users.create')}
      size="md"
    >
      <form
        onSubmit={form.onSubmit((v) =>
          save.mutate({
            username: v.username.trim(),
            display_name: v.display_name.trim() || undefined,
            password: v.password,
            email: v.email.trim(),
            group: v.group,
            quota: v.quota,
            role: editing ? undefined : Number(v.role),
          }),
        )}
      >
        <Stack gap="sm">
          <TextInput
            label={t('login.username')}
            withAsterisk
            data-testid="user-username"
            {...form.getInputProps('username')}
          />
          <TextInput label={t('users.displayName')} {...form.getInputProps('display_name')} />
          <PasswordInput
            label={t('login.password')}
            withAsterisk={!editing}
            description={editing ? t('users.passwordKeep') : t('register.passwordLength')}
            data-testid="user-password"
            {...form.getInputProps('password')}
          />
          <TextInput label={t('register.email')} {...form.getInputProps('email')} />
          <Select
            label={t('users.group')}
            data={groups.data ?? ['default']}
            allowDeselect={false}
            {...form.getInputProps('group')}
          />
          <NumberInput
            label={t('users.quota')}
            description={formatQuota(form.values.quota || 0, { ...display, inCurrency: true })}
            min={0}
            step={500000}
            allowDecimal={false}
            thousandSeparator=","
            data-testid="user-quota"
            {...form.getInputProps('quota')}
          />
          {!editing ? (
            <Select
              label={t('users.role')}
              data={roles}
              allowDeselect={false}
              {...form.getInputProps('role')}
            />
          ) : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="user-submit">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
