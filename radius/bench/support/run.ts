/** Runs a benchmark's main, then its cleanups in reverse order (whatever happened); exit 1 on error. */
export async function runBench(
  main: () => Promise<void>,
  cleanups: Array<() => Promise<unknown>>,
): Promise<never> {
  let failed = false;
  try {
    await main();
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error('cleanup:', err));
  }
  process.exit(failed ? 1 : 0);
}
