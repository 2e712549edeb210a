import { Alert } from '@mantine/core';
import { PageTitle } from '../components/ui';
import { strings } from '../strings';

const t = strings.integrations;

export default function IntegrationsPage() {
  return (
    <>
      <PageTitle title={t.title} />
      <Alert color="blue">{t.notYet}</Alert>
    </>
  );
}
