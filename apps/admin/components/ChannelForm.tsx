'use client';
import {
  ActionIcon,
  Alert,
  Button,
  Divider,
  Drawer,
  Group,
  JsonInput,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  CHANNEL_TYPES,
  channelTypeInfo,
  type ChannelConfig,
  type ChannelDto,
  type CreateChannelRequest,
} from '@one-api/contracts';
import { api, json } from '../lib/api';
import {
  channelForm,
  extraValues,
  mappingRows,
  mappingText,
  parseConfig,
  type MappingRow,
} from '../lib/channel-fields';
import { splitList } from '../lib/format';
import { useT } from '../lib/i18n';
import { useFeedbackMutation, useGroups } from '../lib/queries';

interface Values {
  type: string;
  name: string;
  base_url: string;
  key: string;
  extra: Record<string, string>;
  models: string[];
  groups: string[];
  mapping: MappingRow[];
  priority: number;
  weight: number;
  system_prompt: string;
  /** The channel's own prices (model_configs) as JSON text; empty = the global prices. */
  model_configs: string;
}

const TYPE_OPTIONS = CHANNEL_TYPES.filter((c) => c.id > 0).map((c) => ({
  value: String(c.id),
  label: `${c.name} (${c.id})`,
}));

function initial(channel: ChannelDto | null): Values {
  if (!channel) {
    return {
      type: '1',
      name: '',
      base_url: '',
      key: '',
      extra: {},
      models: [],
      groups: ['default'],
      mapping: [],
      priority: 0,
      weight: 0,
      system_prompt: '',
      model_configs: '',
    };
  }
  return {
    type: String(channel.type),
    name: channel.name,
    base_url: channel.base_url,
    key: '',
    extra: extraValues(channel),
    models: splitList(channel.models),
    groups: splitList(channel.group),
    mapping: mappingRows(channel.model_mapping),
    priority: channel.priority,
    weight: channel.weight,
    system_prompt: channel.system_prompt,
    model_configs: prettyJson(channel.model_configs),
  };
}

function prettyJson(text: string | undefined): string {
  if (!text) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Create or edit a channel, with the inputs its type needs. */
export function ChannelForm(props: { opened: boolean; channel: ChannelDto | null; onClose(): void }) {
  const t = useT();
  const editing = !!props.channel;
  const groups = useGroups(props.opened);
  const catalogue = useQuery({
    queryKey: ['models-by-type'],
    queryFn: () => api<Record<string, string[]>>('/api/models'),
    enabled: props.opened,
    staleTime: 300_000,
  });

  const form = useForm<Values>({
    initialValues: initial(null),
    validate: (v) => {
      const errors: Record<string, string> = {};
      const spec = channelForm(Number(v.type));
      if (!v.name.trim()) errors.name = t('channels.nameRequired');
      if (spec.baseUrlRequired && !v.base_url.trim()) errors.base_url = t('channels.baseUrlRequired');
      if (v.base_url.trim() && !/^https?:\/\//.test(v.base_url.trim()))
        errors.base_url = t('channels.baseUrlInvalid');
      if (!editing && !spec.composeKey && !spec.keyOptional && !v.key.trim())
        errors.key = t('channels.keyRequired');
      for (const f of spec.extra ?? []) {
        const value = (v.extra[f.name] ?? '').trim();
        if (f.required && !value && !(editing && spec.composeKey))
          errors[`extra.${f.name}`] = t('channels.fieldRequired');
        if (f.json && value) {
          try {
            const parsed: unknown = JSON.parse(value);
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
              throw new Error('not an object');
          } catch {
            errors[`extra.${f.name}`] = t('channels.jsonInvalid');
          }
        }
      }
      if (!v.models.length) errors.models = t('channels.modelsRequired');
      if (v.model_configs.trim()) {
        try {
          const parsed: unknown = JSON.parse(v.model_configs);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
        } catch {
          errors.model_configs = t('channels.jsonInvalid');
        }
      }
      const seen = new Set<string>();
      v.mapping.forEach((row, i) => {
        const from = row.from.trim();
        if (!from && !row.to.trim()) return;
        if (!from || !row.to.trim()) errors[`mapping.${i}.to`] = t('channels.mappingIncomplete');
        else if (seen.has(from)) errors[`mapping.${i}.from`] = t('channels.mappingDuplicate');
        seen.add(from);
      });
      return errors;
    },
  });

  useEffect(() => {
    if (props.opened) form.setValues(initial(props.channel));
  }, [props.opened, props.channel]);

  const type = Number(form.values.type);
  const spec = channelForm(type);

  // a newly chosen type starts with its defaults (e.g. Azure's api-version) in the fields still empty
  useEffect(() => {
    for (const f of channelForm(type).extra ?? []) {
      if (f.defaultValue && !form.getValues().extra[f.name])
        form.setFieldValue(`extra.${f.name}`, f.defaultValue);
    }
  }, [type]);
  const builtIn = catalogue.data?.[String(type)] ?? [];
  const modelSuggestions = [...new Set([...builtIn, ...Object.values(catalogue.data ?? {}).flat()])];

  const save = useFeedbackMutation({
    mutationFn: (body: CreateChannelRequest) =>
      props.channel
        ? api('/api/channel/', { method: 'PUT', body: json({ ...body, id: props.channel.id }) })
        : api('/api/channel/', { method: 'POST', body: json(body) }),
    success: editing ? 'channels.saved' : 'channels.created',
    invalidate: [['channels']],
    onSuccess: () => props.onClose(),
  });

  const submit = form.onSubmit((v) => {
    const typeSpec = channelForm(Number(v.type));
    const config: ChannelConfig = editing ? { ...parseConfig(props.channel?.config) } : {};
    let other = editing ? (props.channel?.other ?? '') : '';
    for (const f of typeSpec.extra ?? []) {
      const value = (v.extra[f.name] ?? '').trim();
      if (value) config[f.name] = value;
      else delete config[f.name];
      if (f.mirrorToOther) other = value;
    }
    let key = v.key.trim();
    if (typeSpec.composeKey) {
      const required = (typeSpec.extra ?? []).filter((f) => f.required);
      key = required.every((f) => (config[f.name] ?? '').trim()) ? typeSpec.composeKey(config) : '';
    }
    save.mutate({
      type: Number(v.type),
      name: v.name.trim(),
      base_url: v.base_url.trim(),
      key,
      other,
      models: v.models.join(','),
      group: (v.groups.length ? v.groups : ['default']).join(','),
      model_mapping: mappingText(v.mapping),
      priority: v.priority,
      weight: v.weight,
      config: Object.keys(config).length ? JSON.stringify(config) : '',
      system_prompt: v.system_prompt,
      model_configs: v.model_configs.trim(),
    });
  });

  // The global prices of the listed models, as a starting point for this channel's own.
  const loadDefaultPrices = async () => {
    const models = form.values.models.join(',');
    const data = await api<{ model_configs: Record<string, unknown> }>(
      `/api/channel/default-pricing?models=${encodeURIComponent(models)}`,
    );
    form.setFieldValue('model_configs', JSON.stringify(data.model_configs, null, 2));
  };

  const setMapping = (rows: MappingRow[]) => form.setFieldValue('mapping', rows);

  return (
    <Drawer
      opened={props.opened}
      onClose={props.onClose}
      title={t(editing ? 'channels.editTitle' : 'channels.create')}
      position="right"
      size="xl"
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Select
            label={t('channels.type')}
            data={TYPE_OPTIONS}
            searchable
            allowDeselect={false}
            data-testid="channel-type"
            {...form.getInputProps('type')}
          />
          <TextInput
            label={t('channels.name')}
            withAsterisk
            data-testid="channel-name"
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('channels.baseUrl')}
            withAsterisk={spec.baseUrlRequired}
            placeholder={channelTypeInfo(type)?.baseUrl || 'https://'}
            description={spec.baseUrlRequired ? undefined : t('channels.baseUrlHint')}
            data-testid="channel-base-url"
            {...form.getInputProps('base_url')}
          />
          {(spec.extra ?? []).map((f) =>
            f.options ? (
              <Select
                key={f.name}
                label={t(f.label)}
                data={f.options}
                allowDeselect={false}
                value={form.values.extra[f.name] || f.defaultValue || null}
                onChange={(v) => form.setFieldValue(`extra.${f.name}`, v ?? '')}
              />
            ) : f.json ? (
              <JsonInput
                key={f.name}
                label={t(f.label)}
                withAsterisk={f.required && !editing}
                placeholder={editing ? t('channels.keepSecret') : '{ "type": "service_account", … }'}
                autosize
                minRows={4}
                maxRows={12}
                formatOnBlur
                {...form.getInputProps(`extra.${f.name}`)}
              />
            ) : (
              <TextInput
                key={f.name}
                label={t(f.label)}
                withAsterisk={f.required}
                placeholder={f.placeholder}
                {...form.getInputProps(`extra.${f.name}`)}
              />
            ),
          )}
          {!spec.composeKey ? (
            <Textarea
              label={t('channels.key')}
              withAsterisk={!editing && !spec.keyOptional}
              description={[
                spec.keyHint ? t(spec.keyHint) : '',
                editing ? t('channels.keyKeep') : t('channels.keyMulti'),
              ]
                .filter(Boolean)
                .join(' ')}
              autosize
              minRows={2}
              maxRows={8}
              data-testid="channel-key"
              {...form.getInputProps('key')}
            />
          ) : null}
          <Divider label={t('channels.routing')} labelPosition="left" />
          <TagsInput
            label={t('channels.models')}
            withAsterisk
            data={modelSuggestions}
            limit={50}
            clearable
            splitChars={[',', ' ']}
            data-testid="channel-models"
            {...form.getInputProps('models')}
          />
          <Group gap="xs">
            <Button
              size="compact-xs"
              variant="light"
              disabled={!builtIn.length}
              onClick={() => form.setFieldValue('models', [...new Set([...form.values.models, ...builtIn])])}
            >
              {t('channels.fillModels')}
            </Button>
            <Button
              size="compact-xs"
              variant="light"
              color="gray"
              onClick={() => form.setFieldValue('models', [])}
            >
              {t('channels.clearModels')}
            </Button>
          </Group>
          <TagsInput
            label={t('channels.groups')}
            data={groups.data ?? ['default']}
            data-testid="channel-groups"
            {...form.getInputProps('groups')}
          />
          <SimpleGrid cols={2}>
            <NumberInput
              label={t('channels.priority')}
              description={t('channels.priorityHint')}
              allowDecimal={false}
              {...form.getInputProps('priority')}
            />
            <NumberInput
              label={t('channels.weight')}
              description={t('channels.weightHint')}
              min={0}
              allowDecimal={false}
              {...form.getInputProps('weight')}
            />
          </SimpleGrid>
          <div>
            <Text size="sm" fw={500}>
              {t('channels.mapping')}
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              {t('channels.mappingHint')}
            </Text>
            <Stack gap={6} data-testid="mapping-editor">
              {form.values.mapping.map((row, i) => (
                <Group key={i} gap={6} wrap="nowrap" align="flex-start">
                  <TextInput
                    style={{ flex: 1 }}
                    placeholder={t('channels.mappingFrom')}
                    aria-label={t('channels.mappingFrom')}
                    {...form.getInputProps(`mapping.${i}.from`)}
                  />
                  <Text pt={6}>→</Text>
                  <TextInput
                    style={{ flex: 1 }}
                    placeholder={t('channels.mappingTo')}
                    aria-label={t('channels.mappingTo')}
                    {...form.getInputProps(`mapping.${i}.to`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={4}
                    aria-label={t('common.delete')}
                    onClick={() => setMapping(form.values.mapping.filter((_, j) => j !== i))}
                  >
                    ✕
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button
                  size="compact-xs"
                  variant="light"
                  onClick={() => setMapping([...form.values.mapping, { from: '', to: '' }])}
                >
                  {t('channels.mappingAdd')}
                </Button>
              </Group>
            </Stack>
          </div>
          <Textarea
            label={t('channels.systemPrompt')}
            autosize
            minRows={2}
            maxRows={6}
            {...form.getInputProps('system_prompt')}
          />
          <JsonInput
            label={t('channels.pricing')}
            description={t('channels.pricingHint')}
            placeholder='{ "gpt-4o-mini": { "ratio": 0.05, "completion_ratio": 4 } }'
            autosize
            minRows={2}
            maxRows={14}
            formatOnBlur
            data-testid="channel-model-configs"
            {...form.getInputProps('model_configs')}
          />
          <Group gap="xs">
            <Button
              size="compact-xs"
              variant="light"
              disabled={!form.values.models.length}
              data-testid="channel-pricing-defaults"
              onClick={() => void loadDefaultPrices()}
            >
              {t('channels.pricingDefaults')}
            </Button>
          </Group>
          {spec.composeKey && editing ? <Alert color="blue">{t('channels.composedKeyHint')}</Alert> : null}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="channel-submit">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Drawer>
  );
}
