import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';

/**
 * GET /radius/ca.crt: the private CA the RADIUS worker generated for PEAP / EAP-TTLS
 * (`<data dir>/eap/ca.pem`, shared when both run from `npm start`), as DER with the MIME type
 * phones and laptops offer to install. 404 when there is none here (the worker runs elsewhere, or
 * the operator configured their own certificate: distribute their CA instead).
 */
export function radiusCaHandler(dataDir: string) {
  return async (_req: Request, res: Response): Promise<void> => {
    let der: Buffer;
    try {
      der = new X509Certificate(await readFile(join(dataDir, 'eap', 'ca.pem'))).raw;
    } catch {
      res.status(404).json({ error: 'NOT_FOUND' });
      return;
    }
    res
      .type('application/x-x509-ca-cert')
      .setHeader('Content-Disposition', 'attachment; filename="lanyard-radius-ca.crt"')
      .send(der);
  };
}
