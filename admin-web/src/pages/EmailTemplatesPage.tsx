import { useMutation, useQuery } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Code,
  Grid,
  Group,
  Paper,
  Select,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type FormEvent } from 'react';
import {
  ConfirmButton,
  Empty,
  ErrorAlert,
  Loading,
  PageTitle,
  QueryError,
  SectionTitle,
  useAction,
} from '../components/ui';
import { describeError, problemSentences } from '../errors';
import {
  EMAIL_TEMPLATES,
  PREVIEW_EMAIL_TEMPLATE,
  RESET_EMAIL_TEMPLATE,
  UPDATE_EMAIL_TEMPLATE,
  type EmailTemplate,
} from '../graphql-integrations';
import { strings } from '../strings';

const t = strings.emailTemplates;

export default function EmailTemplatesPage() {
  const { data, error, refetch } = useQuery(EMAIL_TEMPLATES);
  const [key, setKey] = useState<string | null>(null);
  const templates = data?.emailTemplates ?? [];
  const chosen = templates.find((x) => x.key === key) ?? templates[0];

  return (
    <>
      <PageTitle title={t.title} intro={t.intro} />
      {data ? (
        chosen ? (
          <>
            <Select
              label={t.choose}
              maw={360}
              mb="md"
              allowDeselect={false}
              data={templates.map((x) => ({ value: x.key, label: t.names[x.key] ?? x.key }))}
              value={chosen.key}
              onChange={setKey}
            />
            <Editor key={`${chosen.key}:${chosen.updatedAt ?? ''}`} template={chosen} />
          </>
        ) : (
          <Empty>{t.empty}</Empty>
        )
      ) : error ? (
        <QueryError error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : (
        <Loading />
      )}
    </>
  );
}

function Editor({ template }: { template: EmailTemplate }) {
  const [subject, setSubject] = useState(template.subject);
  const [html, setHtml] = useState(template.html);
  const [text, setText] = useState(template.text);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const [update] = useMutation(UPDATE_EMAIL_TEMPLATE);
  const [reset] = useMutation(RESET_EMAIL_TEMPLATE);
  const input = { key: template.key, subject, html, text };
  // Renders after a pause in typing, not on every key.
  const [debounced] = useDebouncedValue(input, 400);
  const preview = useQuery(PREVIEW_EMAIL_TEMPLATE, { variables: { input: debounced } });
  const shown = preview.data ?? preview.previousData;
  const previewError = preview.error ? describeError(preview.error) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (action.busy) return;
    setSaved(false);
    if (await action.run(() => update({ variables: { input } }))) setSaved(true);
  }

  return (
    <Grid>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <form onSubmit={submit} noValidate aria-label={t.title}>
          <ErrorAlert error={action.error} />
          <Stack>
            <Group gap="xs">
              <Badge variant="light" color={template.customized ? 'indigo' : 'gray'}>
                {template.customized ? t.customized : t.builtIn}
              </Badge>
            </Group>
            <TextInput
              label={t.subject}
              value={subject}
              onChange={(e) => {
                setSaved(false);
                setSubject(e.currentTarget.value);
              }}
            />
            <Textarea
              label={t.html}
              autosize
              minRows={8}
              maxRows={20}
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              value={html}
              onChange={(e) => {
                setSaved(false);
                setHtml(e.currentTarget.value);
              }}
            />
            <Textarea
              label={t.text}
              autosize
              minRows={6}
              maxRows={16}
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              value={text}
              onChange={(e) => {
                setSaved(false);
                setText(e.currentTarget.value);
              }}
            />
            <div>
              <Text size="sm" fw={500}>
                {t.variables}
              </Text>
              <Group gap={4}>
                {template.variables.map((v) => (
                  <Code key={v}>{`{{ ${v} }}`}</Code>
                ))}
              </Group>
            </div>
            <Group justify="flex-end">
              {saved ? (
                <Text size="sm" c="green.8" role="status">
                  {t.saved}
                </Text>
              ) : null}
              {template.customized ? (
                <ConfirmButton
                  variant="subtle"
                  color="red"
                  label={t.reset}
                  question={t.resetConfirm}
                  onConfirm={() => action.run(() => reset({ variables: { key: template.key } }))}
                />
              ) : null}
              <Button type="submit" loading={action.busy}>
                {t.save}
              </Button>
            </Group>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <SectionTitle>{t.preview}</SectionTitle>
        {previewError ? (
          <Alert color="orange" title={t.previewFailed} mb="sm">
            {previewError.code === 'VALIDATION_FAILED'
              ? problemSentences(previewError.fields).join(' ')
              : previewError.summary}
          </Alert>
        ) : null}
        {shown ? (
          <Paper withBorder p="sm">
            <Text fw={600} mb="xs" data-testid="preview-subject">
              {shown.previewEmailTemplate.subject}
            </Text>
            <Tabs defaultValue="html">
              <Tabs.List>
                <Tabs.Tab value="html">{t.previewHtml}</Tabs.Tab>
                <Tabs.Tab value="text">{t.previewText}</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="html" pt="xs">
                {/* No scripts, no same-origin: the rendered mail cannot touch the app. */}
                <iframe
                  title={t.previewHtml}
                  sandbox=""
                  srcDoc={shown.previewEmailTemplate.html}
                  style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-3)' }}
                />
              </Tabs.Panel>
              <Tabs.Panel value="text" pt="xs">
                <Code block>{shown.previewEmailTemplate.text}</Code>
              </Tabs.Panel>
            </Tabs>
          </Paper>
        ) : previewError ? null : (
          <Loading />
        )}
      </Grid.Col>
    </Grid>
  );
}
