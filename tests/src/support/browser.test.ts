import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { launchBrowser } from './browser.js';

describe('launchBrowser', () => {
  it('drives Debian chromium against a page on localhost', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<button onclick="this.textContent=\'clicked\'">press</button>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const b = await launchBrowser();
      try {
        const page = await b.browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.getByRole('button', { name: 'press' }).click();
        assert.equal(await page.getByRole('button').textContent(), 'clicked');
      } finally {
        await b.close();
      }
    } finally {
      server.close();
    }
  });
});
