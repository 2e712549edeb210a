import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EapolTestResult {
  success: boolean;
  /** "MPPE keys OK: N  mismatch: M" as numbers, or null when eapol_test printed no such line. */
  mppe: { ok: number; mismatch: number } | null;
  /** Attributes of the last Access-Accept as eapol_test dumped them: number → values (hex). */
  acceptAttributes: Map<number, string[]>;
  output: string;
}

/** Throws with a clear message when eapol_test (Debian package eapoltest) is not installed. */
export function requireEapolTest(): void {
  const probe = spawnSync('eapol_test', ['-v'], { encoding: 'utf8' });
  if (probe.error)
    throw new Error(
      'eapol_test is not installed: the EAP tests need it (apt-get install eapoltest; .ci/run installs it)',
    );
}

/**
 * Runs hostap's eapol_test (the supplicant side of 802.1X, acting as its own NAS) once against
 * the RADIUS server at 127.0.0.1:`port`, with `network` as its wpa_supplicant network block.
 */
export function eapolTest(
  port: number,
  secret: string,
  network: Record<string, string>,
  opts: { timeoutSeconds?: number; mac?: string } = {},
): Promise<EapolTestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-eapol-'));
  const conf = join(dir, 'eapol.conf');
  const lines = Object.entries(network).map(
    ([k, v]) => `  ${k}=${/^[A-Z0-9_-]+$/.test(v) ? v : JSON.stringify(v)}`,
  );
  writeFileSync(conf, `network={\n${lines.join('\n')}\n}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('eapol_test', [
      '-c',
      conf,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-s',
      secret,
      '-t',
      String(opts.timeoutSeconds ?? 15),
      '-M',
      opts.mac ?? '02:00:00:00:00:01',
    ]);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => {
      rmSync(dir, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const m = /MPPE keys OK: (\d+)\s+mismatch: (\d+)/.exec(output);
      resolve({
        success: code === 0 && /^SUCCESS$/m.test(output),
        mppe: m ? { ok: Number(m[1]), mismatch: Number(m[2]) } : null,
        acceptAttributes: acceptAttributes(output),
        output,
      });
    });
  });
}

/** eapol_test dumps each received RADIUS message: "Attribute 81 (Tunnel-Private-Group-Id) length=5" + "Value: …". */
function acceptAttributes(output: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const at = output.lastIndexOf('(Access-Accept)');
  if (at < 0) return out;
  const lines = output.slice(at).split('\n');
  for (let i = 1; i < lines.length; i++) {
    const a = /^\s+Attribute (\d+) \(/.exec(lines[i]!);
    if (!a) {
      if (/^\S/.test(lines[i]!)) break;
      continue;
    }
    const v = /Value: (?:0x)?(\S+)/.exec(lines[i + 1] ?? '');
    const n = Number(a[1]);
    out.set(n, [...(out.get(n) ?? []), v?.[1] ?? '']);
  }
  return out;
}
