import { Button, Group, Text } from '@mantine/core';
import { strings } from '../strings';

interface Connection {
  nodes: unknown[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Under a paginated list: how many of how many are shown, and "Load more", which fetches the page
 * after the last one and appends it to the connection `field` of the query's result.
 */
export function LoadMore<Q extends Record<K, Connection>, K extends keyof Q & string>({
  data,
  field,
  loading,
  fetchMore,
}: {
  data: Q;
  field: K;
  loading: boolean;
  fetchMore: (options: {
    variables: { after: string | null };
    updateQuery: (prev: Q, more: { fetchMoreResult: Q }) => Q;
  }) => Promise<unknown>;
}) {
  const page = data[field];
  const more = () =>
    void fetchMore({
      variables: { after: page.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) =>
        ({
          ...prev,
          [field]: {
            ...fetchMoreResult[field],
            nodes: [...prev[field].nodes, ...fetchMoreResult[field].nodes],
          },
        }) as Q,
    }).catch(() => undefined);
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        {strings.common.shownOf(page.nodes.length, page.totalCount)}
      </Text>
      {page.pageInfo.hasNextPage ? (
        <Button variant="default" loading={loading} onClick={more}>
          {strings.common.loadMore}
        </Button>
      ) : null}
    </Group>
  );
}
