/**
 * Runs a benchmark's main, then its cleanups in reverse order (whatever happened, Ctrl-C and
 * SIGTERM included: servers and throwaway databases are not left behind); exit 1 on error.
 */
export async function runBench(
  main: () => Promise<void>,
  cleanups: Array<() => Promise<unknown>>,
): Promise<never> {
  let cleaned: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const c of [...cleanups].reverse())
        await c().catch((err: unknown) => console.error('cleanup:', err));
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().then(() => process.exit(1)));
  let failed = false;
  try {
    await main();
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    await cleanUp();
  }
  process.exit(failed ? 1 : 0);
}
