// `npm run demo`: builds like `npm start`, then runs the demo launcher (tests/src/demo/demo.ts,
// TypeScript through tsx): simulators with a sample community, the system, and a printed guide.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { buildOrExit } from './build-all.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
buildOrExit(root);
const { runDemo } = await tsImport('../tests/src/demo/demo.ts', import.meta.url);
await runDemo();
