'use client';
import { Center, Group, Loader, Pagination, Select, Table, Text, useMatches } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../lib/i18n';

export interface Column<T> {
  key: string;
  title: ReactNode;
  render: (row: T) => ReactNode;
  /** hidden below this breakpoint (phones) */
  visibleFrom?: 'xs' | 'sm' | 'md' | 'lg' | 'xl';
  width?: number | string;
}

export interface Paging {
  /** 0-based, as One API's `p` */
  page: number;
  size: number;
  total: number;
  onPage(page: number): void;
  onSize?(size: number): void;
}

const PAGE_SIZES = ['10', '20', '50', '100'];

/** A Mantine table with a loading state, an empty state and One API paging (0-based `p` and `size`). */
export function DataTable<T>(props: {
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string | number;
  loading?: boolean;
  paging?: Paging;
  testId?: string;
  minWidth?: number;
}) {
  const t = useT();
  const { columns, rows, paging } = props;
  const pages = paging ? Math.max(1, Math.ceil(paging.total / paging.size)) : 1;
  // phones show only the columns without `visibleFrom`, so the table may shrink to the screen there
  const minWidth = useMatches({ base: 0, sm: props.minWidth ?? 640 });
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped highlightOnHover verticalSpacing="xs" data-testid={props.testId}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th
                  key={c.key}
                  visibleFrom={c.visibleFrom}
                  style={c.width ? { width: c.width } : undefined}
                >
                  {c.title}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(rows ?? []).map((row, i) => (
              <Table.Tr key={`${i}:${props.rowKey(row)}`} data-row-key={props.rowKey(row)}>
                {columns.map((c) => (
                  <Table.Td key={c.key} visibleFrom={c.visibleFrom}>
                    {c.render(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {props.loading && !rows?.length ? (
        <Center p="lg">
          <Loader size="sm" />
        </Center>
      ) : null}
      {!props.loading && rows && rows.length === 0 ? (
        <Text c="dimmed" ta="center" p="lg">
          {t('common.empty')}
        </Text>
      ) : null}
      {paging ? (
        <Group justify="space-between" mt="sm" wrap="wrap">
          <Text size="sm" c="dimmed">
            {t('common.total', { n: paging.total })}
          </Text>
          <Group gap="xs">
            {paging.onSize ? (
              <Select
                aria-label={t('common.pageSize')}
                w={90}
                size="xs"
                data={PAGE_SIZES}
                value={String(paging.size)}
                allowDeselect={false}
                onChange={(v) => v && paging.onSize?.(Number(v))}
              />
            ) : null}
            <Pagination
              size="sm"
              total={pages}
              value={paging.page + 1}
              onChange={(p) => paging.onPage(p - 1)}
            />
          </Group>
        </Group>
      ) : null}
    </>
  );
}
