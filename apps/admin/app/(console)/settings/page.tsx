'use client';
import {
  Alert,
  Button,
  Group,
  JsonInput,
  NumberInput,
  Paper,
  PasswordInput,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { OptionDto } from '@one-api/contracts';
import { PageHeader } from '../../../components/PageHeader';
import { api, json } from '../../../lib/api';
import { useT, type Translate } from '../../../lib/i18n';
import { notifyError, notifySuccess } from '../../../lib/queries';
import { isRoot, useSessionUser } from '../../../lib/session';
import {
  prettyJson,
  ratioProblem,
  SETTING_SECTIONS,
  type SettingField,
  type SettingSection,
} from '../../../lib/settings-schema';

function ratioError(t: Translate, text: string): string | null {
  const problem = ratioProblem(text);
  if (!problem) return null;
  if (problem.kind === 'json') return t('settings.ratioJson');
  if (problem.kind === 'object') return t('settings.ratioObject');
  return t('settings.ratioValue', { key: problem.key ?? '' });
}

function normalize(field: SettingField, value: string): string {
  if (field.kind === 'ratio') {
    try {
      return JSON.stringify(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return field.kind === 'text' || field.kind === 'secret' ? value.trim() : value;
}

function SectionForm({ section, saved }: { section: SettingSection; saved: Record<string, string> }) {
  const t = useT();
  const client = useQueryClient();
  const initial = useMemo(() => {
    const v: Record<string, string> = {};
    for (const f of section.fields)
      v[f.key] =
        f.kind === 'secret'
          ? ''
          : f.kind === 'ratio'
            ? prettyJson(saved[f.key] ?? '{}')
            : (saved[f.key] ?? '');
    return v;
  }, [section, saved]);
  const [values, setValues] = useState(initial);
  const [saving, setSaving] = useState(false);
  useEffect(() => setValues(initial), [initial]);

  const errors: Record<string, string | null> = {};
  for (const f of section.fields) {
    if (f.kind === 'ratio') errors[f.key] = ratioError(t, values[f.key]);
    if (f.kind === 'number' && (values[f.key].trim() === '' || !Number.isFinite(Number(values[f.key]))))
      errors[f.key] = t('settings.numberInvalid');
  }
  const invalid = Object.values(errors).some(Boolean);
  const changed = section.fields.filter((f) =>
    f.kind === 'secret'
      ? values[f.key].trim() !== ''
      : normalize(f, values[f.key]) !==
        normalize(f, f.kind === 'ratio' ? prettyJson(saved[f.key] ?? '{}') : (saved[f.key] ?? '')),
  );
  // Settings a switch depends on are saved before the switch itself (e.g. the client id before enabling OAuth).
  const ordered = [...changed.filter((f) => f.kind !== 'bool'), ...changed.filter((f) => f.kind === 'bool')];

  const save = async () => {
    setSaving(true);
    let done = 0;
    try {
      for (const f of ordered) {
        await api('/api/option/', {
          method: 'PUT',
          body: json({ key: f.key, value: normalize(f, values[f.key]) }),
        });
        done += 1;
      }
      notifySuccess(t('settings.saved', { n: done }));
    } catch (e) {
      notifyError(t('settings.saveFailed', { n: done }), e);
    } finally {
      setSaving(false);
      await client.invalidateQueries({ queryKey: ['options'] });
      await client.invalidateQueries({ queryKey: ['status'] });
    }
  };

  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        {section.fields.map((f) => {
          const label = t(f.label);
          const description = f.hint ? t(f.hint) : undefined;
          const testId = `setting-${f.key}`;
          switch (f.kind) {
            case 'bool':
              return (
                <Switch
                  key={f.key}
                  label={label}
                  description={description}
                  checked={values[f.key] === 'true'}
                  onChange={(e) => set(f.key, e.currentTarget.checked ? 'true' : 'false')}
                  data-testid={testId}
                />
              );
            case 'number':
              return (
                <NumberInput
                  key={f.key}
                  label={label}
                  description={description}
                  value={values[f.key]}
                  onChange={(v) => set(f.key, String(v))}
                  error={errors[f.key]}
                  data-testid={testId}
                />
              );
            case 'secret':
              return (
                <PasswordInput
                  key={f.key}
                  label={label}
                  description={t('settings.secretHint')}
                  value={values[f.key]}
                  onChange={(e) => set(f.key, e.currentTarget.value)}
                  autoComplete="new-password"
                  data-testid={testId}
                />
              );
            case 'textarea':
              return (
                <Textarea
                  key={f.key}
                  label={label}
                  description={description}
                  autosize
                  minRows={2}
                  maxRows={10}
                  value={values[f.key]}
                  onChange={(e) => set(f.key, e.currentTarget.value)}
                  data-testid={testId}
                />
              );
            case 'ratio':
              return (
                <JsonInput
                  key={f.key}
                  label={label}
                  description={description}
                  autosize
                  minRows={4}
                  maxRows={16}
                  value={values[f.key]}
                  onChange={(v) => set(f.key, v)}
                  error={errors[f.key]}
                  formatOnBlur
                  data-testid={testId}
                />
              );
            default:
              return (
                <TextInput
                  key={f.key}
                  label={label}
                  description={description}
                  value={values[f.key]}
                  onChange={(e) => set(f.key, e.currentTarget.value)}
                  data-testid={testId}
                />
              );
          }
        })}
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {changed.length ? t('settings.pending', { n: changed.length }) : t('settings.noChanges')}
          </Text>
          <Group gap="xs">
            <Button variant="default" disabled={!changed.length || saving} onClick={() => setValues(initial)}>
              {t('common.reset')}
            </Button>
            <Button
              onClick={save}
              loading={saving}
              disabled={invalid || !changed.length}
              data-testid={`settings-save-${section.id}`}
            >
              {t('common.save')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}

export default function SettingsPage() {
  const t = useT();
  const me = useSessionUser();
  const root = isRoot(me);
  const options = useQuery({
    queryKey: ['options'],
    queryFn: () => api<OptionDto[]>('/api/option/'),
    enabled: root,
  });
  const saved = useMemo(
    () => Object.fromEntries((options.data ?? []).map((o) => [o.key, o.value])),
    [options.data],
  );

  if (me && !root) return <Alert color="yellow">{t('settings.rootOnly')}</Alert>;

  return (
    <Stack>
      <PageHeader title={t('nav.settings')} />
      {options.error ? <Alert color="red">{options.error.message}</Alert> : null}
      {options.data ? (
        <Tabs defaultValue="general" keepMounted={false}>
          <Tabs.List mb="md">
            {SETTING_SECTIONS.map((s) => (
              <Tabs.Tab key={s.id} value={s.id} data-testid={`settings-tab-${s.id}`}>
                {t(s.label)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {SETTING_SECTIONS.map((s) => (
            <Tabs.Panel key={s.id} value={s.id}>
              <SectionForm section={s} saved={saved} />
            </Tabs.Panel>
          ))}
        </Tabs>
      ) : null}
    </Stack>
  );
}
