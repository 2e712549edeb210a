import type { EntityManager } from '@mikro-orm/postgresql';
import { requireStaff, type Actor } from '../../auth/actor.js';
import { Permission } from '../../auth/permissions.js';
import { notFound } from '../../common/errors.js';
import type { Tx } from '../../common/tx.js';
import { EmailTemplate } from '../../entities/index.js';
import {
  DEFAULT_TEMPLATES,
  isTemplateKey,
  type TemplateKey,
  type TemplateSource,
} from '../../mail/default-templates.js';
import { validateTemplate, type RenderedEmail } from '../../mail/templates.js';
import type { EmailTemplateView } from './email-template.inputs.js';

/** Admin-edited email templates; a template without a saved row is its built-in default. */
export class EmailTemplateService {
  async list(em: EntityManager, actor: Actor): Promise<EmailTemplateView[]> {
    requireStaff(actor, Permission.AdminManage);
    const saved = await em.find(EmailTemplate, {});
    return (Object.keys(DEFAULT_TEMPLATES) as TemplateKey[]).map((key) =>
      view(
        key,
        saved.find((t) => t.key === key),
      ),
    );
  }

  async update(tx: Tx, input: TemplateSource & { key: string }): Promise<EmailTemplateView> {
    requireStaff(tx.actor, Permission.AdminManage);
    const key = knownKey(input.key);
    const source = { subject: input.subject, html: input.html, text: input.text };
    await validateTemplate(source, DEFAULT_TEMPLATES[key]);
    let row = await tx.em.findOne(EmailTemplate, { key });
    if (row) tx.em.assign(row, source);
    else row = tx.em.create(EmailTemplate, { key, ...source });
    await tx.em.flush();
    return view(key, row);
  }

  async reset(tx: Tx, keyInput: string): Promise<EmailTemplateView> {
    requireStaff(tx.actor, Permission.AdminManage);
    const key = knownKey(keyInput);
    await tx.em.nativeDelete(EmailTemplate, { key });
    return view(key, undefined);
  }

  /** Renders unsaved template text with sample values; errors as a save would report them. */
  async preview(actor: Actor, input: TemplateSource & { key: string }): Promise<RenderedEmail> {
    requireStaff(actor, Permission.AdminManage);
    const key = knownKey(input.key);
    return validateTemplate(input, DEFAULT_TEMPLATES[key]);
  }
}

function knownKey(key: string): TemplateKey {
  if (!isTemplateKey(key)) throw notFound('EmailTemplate', key);
  return key;
}

function view(key: TemplateKey, saved: EmailTemplate | undefined): EmailTemplateView {
  const source = saved ?? DEFAULT_TEMPLATES[key];
  return {
    key,
    subject: source.subject,
    html: source.html,
    text: source.text,
    variables: [...DEFAULT_TEMPLATES[key].variables],
    customized: saved !== undefined,
    updatedAt: saved?.updatedAt ?? null,
  };
}
