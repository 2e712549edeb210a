import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../common/errors.js';
import { DEFAULT_TEMPLATES, TemplateKey } from './default-templates.js';
import { renderTemplate, validateTemplate } from './templates.js';

const def = DEFAULT_TEMPLATES[TemplateKey.magicLink];

describe('mail templates', () => {
  it('accepts every built-in default', async () => {
    for (const d of Object.values(DEFAULT_TEMPLATES)) await validateTemplate(d, d);
  });

  it('escapes variables in the HTML part only, and keeps the subject on one line', async () => {
    const out = await renderTemplate(
      { subject: 'Hi {{ member_name }}\n', html: '<p>{{ member_name }}</p>', text: '{{ member_name }}' },
      { member_name: '<Ann & "Bo">\r\nBcc: x' },
    );
    assert.equal(out.html, '<p>&lt;Ann &amp; &#34;Bo&#34;&gt;\r\nBcc: x</p>');
    assert.equal(out.text, '<Ann & "Bo">\r\nBcc: x');
    assert.equal(out.subject, 'Hi <Ann & "Bo"> Bcc: x');
  });

  it('reports syntax errors and unknown variables with their part and line', async () => {
    const problems = async (source: { subject: string; html: string; text: string }) => {
      try {
        await validateTemplate(source, def);
        return [];
      } catch (err) {
        assert.ok(err instanceof DomainError);
        return err.details.problems as unknown as Array<{ field: string; code: string; line: number | null }>;
      }
    };
    const p = await problems({ subject: 'ok', html: 'a\nb\n{% for x in %}', text: 'x\n{{ nope }}' });
    assert.deepEqual(
      p.map((x) => [x.field, x.code, x.line]),
      [
        ['html', 'TEMPLATE_SYNTAX', 3],
        ['text', 'TEMPLATE_UNKNOWN_VARIABLE', 2],
      ],
    );
    assert.equal((await problems({ subject: '', html: 'x', text: 'x' }))[0]!.code, 'REQUIRED');
  });

  it('cannot read files', async () => {
    await assert.rejects(
      validateTemplate({ subject: 's', html: "{% render '/etc/passwd' %}", text: 't' }, def),
      DomainError,
    );
  });
});
