import { Button, Group, Text } from '@mantine/core';
import { strings } from '../strings';

export function LoadMore({
  shown,
  total,
  hasMore,
  loading,
  onMore,
}: {
  shown: number;
  total: number;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        {strings.common.shownOf(shown, total)}
      </Text>
      {hasMore ? (
        <Button variant="default" loading={loading} onClick={onMore}>
          {strings.common.loadMore}
        </Button>
      ) : null}
    </Group>
  );
}
