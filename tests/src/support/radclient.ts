import { spawn } from 'node:child_process';

export interface RadclientResult {
  code: string | null;
  /** Attributes of the reply as radclient prints them: name → values. */
  attributes: Map<string, string[]>;
  output: string;
}

/**
 * Sends one request with FreeRADIUS' radclient (Debian freeradius-utils), the client real
 * deployments test with, and parses its -x output.
 */
export async function radclient(
  port: number,
  type: 'auth' | 'acct' | 'status' | 'disconnect' | 'coa',
  secret: string,
  attributes: Record<string, string | number>,
  opts: { timeoutSeconds?: number; retries?: number; host?: string } = {},
): Promise<RadclientResult> {
  const input = Object.entries(attributes)
    .map(([k, v]) => `${k} = ${typeof v === 'number' || /^0x[0-9a-f]*$/i.test(v) ? v : JSON.stringify(v)}`)
    .join('\n');
  const first = await runRadclient(port, type, secret, input, opts);
  // radclient gone before it read its input (seen once in many runs on a loaded machine): nothing
  // was sent, so running it again tests the same thing.
  const { inputRefused, ...result } = first;
  if (!inputRefused) return result;
  const { inputRefused: _again, ...retried } = await runRadclient(port, type, secret, input, opts);
  return { ...retried, output: `${first.output}(ran radclient again)\n${retried.output}` };
}

function runRadclient(
  port: number,
  type: string,
  secret: string,
  input: string,
  opts: { timeoutSeconds?: number; retries?: number; host?: string },
): Promise<RadclientResult & { inputRefused: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', [
      '-x',
      '-r',
      String(opts.retries ?? 1),
      '-t',
      String(opts.timeoutSeconds ?? 2),
      `${opts.host ?? '127.0.0.1'}:${port}`,
      type,
      secret,
    ]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let inputRefused = false;
    child.on('error', reject);
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      inputRefused = err.code === 'EPIPE';
      output += `(writing radclient's input: ${err.message})\n`;
    });
    child.on('close', (code, signal) => {
      if (inputRefused) output += `(radclient ended with ${signal ?? `code ${code}`})\n`;
      const m = /Received (\S+) Id \d+/.exec(output);
      const attrs = new Map<string, string[]>();
      if (m) {
        const after = output.slice(output.indexOf(m[0]));
        for (const line of after.split('\n').slice(1)) {
          const a = /^\s+([\w-]+(?::\d+)?)\s+=\s+(.*)$/.exec(line);
          if (!a) continue;
          const name = a[1]!.replace(/:\d+$/, '');
          const value = a[2]!.trim().replace(/^"(.*)"$/, '$1');
          attrs.set(name, [...(attrs.get(name) ?? []), value]);
        }
      }
      resolve({ code: m?.[1] ?? null, attributes: attrs, output, inputRefused: inputRefused && !m });
    });
    child.stdin.end(input + '\n');
  });
}
