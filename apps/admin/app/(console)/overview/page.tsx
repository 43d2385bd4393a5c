'use client';
import { AreaChart, BarChart, DonutChart } from '@mantine/charts';
import { Card, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { DashboardRowDto } from '@one-api/contracts';
import { PageHeader } from '../../../components/PageHeader';
import { api } from '../../../lib/api';
import { formatNumber, formatQuota, formatUsd, quotaToUsd } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useQuotaDisplay, useSelf } from '../../../lib/queries';

const COLORS = [
  'indigo.6',
  'teal.6',
  'orange.6',
  'grape.6',
  'cyan.6',
  'red.6',
  'lime.6',
  'pink.6',
  'yellow.6',
  'blue.6',
];
const DAY = 86_400_000;

/** The 7 UTC days the server buckets by (One API's dashboard window), oldest first. */
function lastSevenDays(now = Date.now()): string[] {
  const today = now - (now % DAY);
  return Array.from({ length: 7 }, (_, i) => new Date(today - (6 - i) * DAY).toISOString().slice(0, 10));
}

interface ModelTotal {
  model: string;
  key: string;
  color: string;
  requests: number;
  quota: number;
  prompt: number;
  completion: number;
}

function summarize(rows: DashboardRowDto[]) {
  const models = new Map<string, ModelTotal>();
  for (const r of rows) {
    const name = r.ModelName || '-';
    let m = models.get(name);
    if (!m) {
      const i = models.size;
      // chart keys must not contain dots (recharts reads them as paths), so series get neutral keys
      m = {
        model: name,
        key: `m${i}`,
        color: COLORS[i % COLORS.length],
        requests: 0,
        quota: 0,
        prompt: 0,
        completion: 0,
      };
      models.set(name, m);
    }
    m.requests += r.RequestCount;
    m.quota += r.Quota;
    m.prompt += r.PromptTokens;
    m.completion += r.CompletionTokens;
  }
  return [...models.values()].sort((a, b) => b.quota - a.quota || a.model.localeCompare(b.model));
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

export default function DashboardPage() {
  const t = useT();
  const display = useQuotaDisplay();
  const self = useSelf();
  const dashboard = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => api<DashboardRowDto[]>('/api/user/dashboard'),
  });

  const rows = dashboard.data ?? [];
  const models = summarize(rows);
  const byName = new Map(models.map((m) => [m.model, m]));
  const days = lastSevenDays();
  const usage = days.map((day) => {
    const point: Record<string, string | number> = { day: day.slice(5), requests: 0 };
    for (const m of models) point[m.key] = 0;
    for (const r of rows.filter((x) => x.Day === day)) {
      const m = byName.get(r.ModelName || '-');
      if (!m) continue;
      point[m.key] = Number(point[m.key]) + quotaToUsd(r.Quota, display);
      point.requests = Number(point.requests) + r.RequestCount;
    }
    return point;
  });
  const weekQuota = models.reduce((s, m) => s + m.quota, 0);
  const weekRequests = models.reduce((s, m) => s + m.requests, 0);
  const series = models.map((m) => ({ name: m.key, label: m.model, color: m.color }));

  return (
    <Stack>
      <PageHeader title={t('nav.dashboard')} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Stat
          label={t('dashboard.quotaLeft')}
          value={self.data ? formatQuota(self.data.quota, display) : '…'}
          testId="stat-quota-left"
        />
        <Stat
          label={t('dashboard.usedQuota')}
          value={self.data ? formatQuota(self.data.used_quota, display) : '…'}
          testId="stat-used"
        />
        <Stat
          label={t('dashboard.requests')}
          value={self.data ? formatNumber(self.data.request_count) : '…'}
          testId="stat-requests"
        />
        <Stat
          label={t('dashboard.weekCost')}
          value={formatUsd(quotaToUsd(weekQuota, display))}
          testId="stat-week-cost"
        />
      </SimpleGrid>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder radius="md" data-testid="chart-cost-per-day">
            <Title order={5} mb="sm">
              {t('dashboard.costPerDay')}
            </Title>
            <BarChart
              h={280}
              data={usage}
              dataKey="day"
              type="stacked"
              series={series.length ? series : [{ name: 'none', label: '-', color: 'gray.4' }]}
              withLegend={series.length > 0}
              valueFormatter={(v) => formatUsd(v)}
              yAxisProps={{ width: 80 }}
            />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="md" h="100%" data-testid="chart-models">
            <Title order={5} mb="sm">
              {t('dashboard.costPerModel')}
            </Title>
            {models.length ? (
              <Group justify="center">
                <DonutChart
                  size={180}
                  thickness={28}
                  withTooltip
                  tooltipDataSource="segment"
                  valueFormatter={(v) => formatUsd(v)}
                  data={models.map((m) => ({
                    name: m.model,
                    value: quotaToUsd(m.quota, display),
                    color: m.color,
                  }))}
                />
              </Group>
            ) : (
              <Text c="dimmed" ta="center" py="xl">
                {t('dashboard.noUsage')}
              </Text>
            )}
          </Card>
        </Grid.Col>
      </Grid>
      <Card withBorder radius="md" data-testid="chart-requests-per-day">
        <Title order={5} mb="sm">
          {t('dashboard.requestsPerDay')}
        </Title>
        <AreaChart
          h={200}
          data={usage}
          dataKey="day"
          series={[{ name: 'requests', label: t('dashboard.requests'), color: 'teal.6' }]}
          curveType="monotone"
          yAxisProps={{ allowDecimals: false }}
        />
      </Card>
      <Card withBorder radius="md">
        <Title order={5} mb="sm">
          {t('dashboard.byModel', { n: formatNumber(weekRequests) })}
        </Title>
        <Table.ScrollContainer minWidth={520}>
          <Table data-testid="dashboard-models">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('logs.model')}</Table.Th>
                <Table.Th>{t('dashboard.requests')}</Table.Th>
                <Table.Th>{t('logs.promptTokens')}</Table.Th>
                <Table.Th>{t('logs.completionTokens')}</Table.Th>
                <Table.Th>{t('logs.cost')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.map((m) => (
                <Table.Tr key={m.model}>
                  <Table.Td>{m.model}</Table.Td>
                  <Table.Td>{formatNumber(m.requests)}</Table.Td>
                  <Table.Td>{formatNumber(m.prompt)}</Table.Td>
                  <Table.Td>{formatNumber(m.completion)}</Table.Td>
                  <Table.Td>{formatUsd(quotaToUsd(m.quota, display))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
