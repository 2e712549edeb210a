import { Center, Loader } from '@mantine/core';
import { strings } from '../strings';

/** Shown while the first answer is on its way (before the shell exists). */
export function Loading() {
  return (
    <Center mih="50vh" role="status" aria-label={strings.common.loading}>
      <Loader />
    </Center>
  );
}
