import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { Empty, Loading, QueryError } from './ui';

/**
 * A striped table with a heading row, scrolling sideways below `minWidth`. A `false` column is left
 * out (e.g. the actions column for read-only roles); '' is a column without a heading.
 */
export function DataTable({
  columns,
  minWidth,
  label,
  highlightOnHover,
  busy,
  children,
}: {
  columns: Array<string | false>;
  minWidth: number;
  label?: string;
  highlightOnHover?: boolean;
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover={highlightOnHover} aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => (c === false ? null : <Table.Th key={i}>{c}</Table.Th>))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * What a list query shows: its rows (`children`), `empty` when there are none, the failure with
 * "try again", or "loading".
 */
export function QueryRows<T>({
  rows,
  error,
  refetch,
  empty,
  children,
}: {
  rows: T[] | undefined;
  error: unknown;
  refetch: () => Promise<unknown>;
  empty: string;
  children: (rows: T[]) => ReactNode;
}) {
  if (rows) return rows.length ? children(rows) : <Empty>{empty}</Empty>;
  if (error) return <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />;
  return <Loading />;
}
