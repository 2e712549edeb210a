import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ReceivedMail } from '../../../api/src/test-support/smtp-sink.js';
import { createDemoCommunity, startOfZonedDay } from './community.js';
import { MailPrinter, resetDemoDir, summarizeMail } from './support.js';

const scratch = mkdtempSync(join(tmpdir(), 'lanyard-demo-support-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const mail = (to: string, subject: string, body: string): ReceivedMail => {
  const raw = `From: wifi@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\nContent-Type: text/plain\r\n\r\n${body}\r\n`;
  return { from: 'wifi@example.com', to: [to], raw, user: null };
};

describe('demo support', () => {
  it('finds the start of the local day, across DST changes', () => {
    // Berlin springs forward on 29 March 2026: that day starts at 23:00 UTC the day before.
    assert.equal(
      startOfZonedDay(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin').toISOString(),
      '2026-03-28T23:00:00.000Z',
    );
    // 00:30 UTC on 1 July is already 01:30 in London (BST): the local day began at 23:00 UTC.
    assert.equal(
      startOfZonedDay(new Date('2026-07-01T00:30:00Z'), 'Europe/London').toISOString(),
      '2026-06-30T23:00:00.000Z',
    );
    assert.equal(
      startOfZonedDay(new Date('2026-12-01T23:59:59Z'), 'UTC').toISOString(),
      '2026-12-01T00:00:00.000Z',
    );
  });

  it('resets only its own directory, and not while a demo runs in it', () => {
    const foreign = join(scratch, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'keep.txt'), 'mine');
    assert.throws(() => resetDemoDir(foreign), /not made by npm run demo/);
    assert.ok(existsSync(join(foreign, 'keep.txt')));

    const own = join(scratch, 'own');
    resetDemoDir(own); // created
    writeFileSync(join(own, 'lanyard.log'), 'old');
    resetDemoDir(own);
    assert.equal(existsSync(join(own, 'lanyard.log')), false);

    mkdirSync(join(own, 'postgres'));
    writeFileSync(join(own, 'postgres', 'postmaster.pid'), `${process.pid}\n/data\n`);
    assert.throws(() => resetDemoDir(own), /already running/);
    writeFileSync(join(own, 'postgres', 'postmaster.pid'), '999999999\n'); // a stale pid
    resetDemoDir(own);
    assert.equal(existsSync(join(own, 'postgres')), false);
  });

  it('reads the subject (RFC 2047 words too) and the links of a mail', () => {
    const m = mail(
      'ada@example.com',
      '=?UTF-8?Q?Sign_in_to_Caf=C3=A9?=\r\n =?UTF-8?B?IE1pdHRl?=',
      'Open https://x.example/portal/mitte/signin#token=lyl_abc or <a href="https://x.example/portal/mitte/signin#token=lyl_abc">',
    );
    assert.deepEqual(summarizeMail(m), {
      subject: 'Sign in to Café Mitte',
      links: ['https://x.example/portal/mitte/signin#token=lyl_abc'],
    });
  });

  it('counts the credential backlog and prints everything else, sign-in links first of all', () => {
    const lines: string[] = [];
    const printer = new MailPrinter((l) => lines.push(l));
    printer.onMail(mail('a@example.com', 'Your WiFi access at Soho', 'https://x/portal/soho'));
    assert.deepEqual(lines, []);
    printer.startPrinting(
      [
        { toAddress: 'B@example.com', subject: 'Your WiFi access at Soho' },
        { toAddress: 'c@example.com', subject: 'Your WiFi access at Soho' },
      ],
      Date.now(),
    );
    printer.onMail(
      mail('b@example.com', 'Sign in to your WiFi page at Soho', 'https://x/signin#token=lyl_1'),
    );
    printer.onMail(mail('b@example.com', 'Your WiFi access at Soho', 'https://x/portal/soho'));
    assert.deepEqual(lines, [
      '✉  Mail to b@example.com: Sign in to your WiFi page at Soho',
      '     https://x/signin#token=lyl_1',
    ]);
    printer.onMail(mail('c@example.com', 'Your WiFi access at Soho', 'https://x/portal/soho'));
    assert.match(lines.at(-1)!, /All 3 credential emails/);
    printer.onMail(mail('c@example.com', 'Your WiFi access at Soho', 'https://x/portal/soho'));
    assert.equal(lines.at(-2), '✉  Mail to c@example.com: Your WiFi access at Soho');
  });

  it('builds a community of about 200 people with every kind of sample', () => {
    const c = createDemoCommunity(new Date('2026-06-10T10:00:00Z'));
    const people = c.nexudus.state.coworkers.length + c.spacebring.state.users.length;
    assert.equal(people, 200);
    assert.equal(c.spacebring.state.locations[0]!.timezoneId, 'Europe/Berlin');
    for (const [kind, list] of Object.entries(c.samples)) assert.ok(list.length > 0, kind);
    assert.ok(c.samples.plan.some((m) => m.contractId));
    assert.ok(c.noWifiPlanIds.nexudus.length === 1 && c.noWifiPlanIds.spacebring.length === 1);
    const dayPass = c.spacebring.state.subscriptions.find((s) => s.items[0]!.title === 'Day Pass')!;
    assert.equal(dayPass.startDate, '2026-06-09T22:00:00Z');
    assert.equal(dayPass.endDate, '2026-06-10T21:59:59Z');
  });
});
