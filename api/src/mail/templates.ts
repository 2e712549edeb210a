import { Liquid, type Template } from 'liquidjs';
import { DomainError, ErrorCode, type FieldProblem } from '../common/errors.js';
import type { TemplateDefinition, TemplateSource } from './default-templates.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export const TEMPLATE_MAX_LENGTH = 100_000;
const SUBJECT_MAX_LENGTH = 300;

/** No file system: `include`, `render` and `layout` find nothing, so templates cannot read files. */
const NO_FILES = {};
const common = {
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  templates: NO_FILES,
  // Admin-written templates must not be able to hang or exhaust the process.
  parseLimit: TEMPLATE_MAX_LENGTH * 2,
  renderLimit: 1000,
  memoryLimit: 10_000_000,
};
/** HTML part: every output is HTML-escaped (a member named `<b>` shows as text). */
const htmlEngine = new Liquid({ ...common, outputEscape: 'escape' });
/** Subject and text part: plain text, nothing to escape. */
const textEngine = new Liquid(common);

type Part = keyof TemplateSource;
type Problem = FieldProblem & { line: number | null };

const PARTS: readonly Part[] = ['subject', 'html', 'text'];
const engineFor = (part: Part): Liquid => (part === 'html' ? htmlEngine : textEngine);

function problemOf(part: Part, err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  const line = /line:(\d+)/.exec(message)?.[1];
  const undefinedVariable = /undefined variable/i.test(message);
  return {
    field: part,
    code: undefinedVariable ? 'TEMPLATE_UNKNOWN_VARIABLE' : 'TEMPLATE_SYNTAX',
    // Liquid's messages name the tag/variable and position; no values are in them.
    message: message.replace(/\s*,\s*line:\d+, col:\d+.*$/s, '').slice(0, 300),
    line: line ? Number(line) : null,
  };
}

/**
 * Parses and test-renders all three parts with the template's sample values, so a syntax error or
 * an unknown variable is reported when an admin saves, never when a mail is sent.
 */
export async function validateTemplate(
  source: TemplateSource,
  definition: TemplateDefinition,
): Promise<RenderedEmail> {
  const problems: Problem[] = [];
  const rendered: Partial<RenderedEmail> = {};
  for (const part of PARTS) {
    const value = source[part];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push({ field: part, code: 'REQUIRED', message: 'must not be empty', line: null });
      continue;
    }
    if (value.length > (part === 'subject' ? SUBJECT_MAX_LENGTH : TEMPLATE_MAX_LENGTH)) {
      problems.push({ field: part, code: 'TOO_LONG', message: 'is too long', line: null });
      continue;
    }
    try {
      const parsed = engineFor(part).parse(value);
      rendered[part] = await renderPart(part, parsed, definition.sample);
    } catch (err) {
      problems.push(problemOf(part, err));
    }
  }
  if (problems.length > 0) {
    const summary = problems
      .map((p) => `${p.field}${p.line ? ` line ${p.line}` : ''}: ${p.message}`)
      .join('; ');
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid template: ${summary}`, { problems });
  }
  return rendered as RenderedEmail;
}

/** Renders a (validated) template with real values. */
export async function renderTemplate(
  source: TemplateSource,
  vars: Record<string, unknown>,
): Promise<RenderedEmail> {
  const out: Partial<RenderedEmail> = {};
  for (const part of PARTS) out[part] = await renderPart(part, engineFor(part).parse(source[part]), vars);
  return out as RenderedEmail;
}

async function renderPart(part: Part, parsed: Template[], vars: Record<string, unknown>): Promise<string> {
  const value = (await engineFor(part).render(parsed, vars)) as string;
  // One line, whatever the variables hold (no header folding tricks).
  return part === 'subject' ? value.replace(/\s+/g, ' ').trim() : value;
}
