import { Anchor, Text } from '@mantine/core';
import { Link } from '../router';
import { strings } from '../strings';
import { PageTitle } from './ui';

export function NotFoundPage() {
  const t = strings.notFound;
  return (
    <>
      <PageTitle title={t.title} />
      <Text>{t.body}</Text>
      <Anchor component={Link} to={{ name: 'dashboard' }}>
        {t.back}
      </Anchor>
    </>
  );
}
