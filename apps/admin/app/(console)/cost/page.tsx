'use client';
import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import type { RequestCostDto } from '@one-api/contracts';
import { PageHeader } from '../../../components/PageHeader';
import { apiRaw } from '../../../lib/api';
import { formatNumber, formatTime, formatUsd } from '../../../lib/format';
import { useT } from '../../../lib/i18n';

function CostLookup() {
  const t = useT();
  const params = useSearchParams();
  const [input, setInput] = useState(params.get('request_id') ?? '');
  const [requestId, setRequestId] = useState(params.get('request_id') ?? '');
  const cost = useQuery({
    queryKey: ['cost', requestId],
    queryFn: () => apiRaw<RequestCostDto>(`/api/cost/request/${encodeURIComponent(requestId)}`),
    enabled: !!requestId,
  });

  return (
    <Stack>
      <Card withBorder>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setRequestId(input.trim());
          }}
        >
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label={t('logs.requestId')}
              description={t('cost.hint')}
              value={input}
              onChange={(e) => setInput(e.currentTarget.value)}
              data-testid="cost-request-id"
            />
            <Button type="submit" disabled={!input.trim()} data-testid="cost-submit">
              {t('common.search')}
            </Button>
          </Group>
        </form>
      </Card>
      {cost.error ? <Alert color="red">{cost.error.message}</Alert> : null}
      {cost.data ? (
        <Card withBorder data-testid="cost-result">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <div>
              <Text size="xs" c="dimmed">
                {t('logs.cost')}
              </Text>
              <Text fw={700} size="xl" data-testid="cost-usd">
                {formatUsd(cost.data.cost_usd)}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('logs.quota')}
              </Text>
              <Text fw={500}>{formatNumber(cost.data.quota)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('logs.time')}
              </Text>
              <Text fw={500}>{formatTime(cost.data.created_time)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('logs.requestId')}
              </Text>
              <Text fw={500} style={{ wordBreak: 'break-all' }}>
                {cost.data.request_id}
              </Text>
            </div>
          </SimpleGrid>
        </Card>
      ) : null}
    </Stack>
  );
}

export default function CostPage() {
  const t = useT();
  return (
    <Stack>
      <PageHeader title={t('nav.cost')} />
      <Suspense>
        <CostLookup />
      </Suspense>
    </Stack>
  );
}
