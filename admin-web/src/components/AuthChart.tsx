import { Group, Text } from '@mantine/core';
import { strings } from '../strings';

const W = 600;
const H = 140;
const PAD = 4;

/** Accepted and rejected sign-ins per minute as two polylines; a text summary for screen readers. */
export function AuthChart({
  minutes,
}: {
  minutes: Array<{ minute: string; accepted: number; rejected: number }>;
}) {
  const t = strings.dashboard;
  const max = Math.max(1, ...minutes.map((m) => Math.max(m.accepted, m.rejected)));
  const x = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, minutes.length - 1);
  const y = (v: number) => H - PAD - (v * (H - 2 * PAD)) / max;
  const line = (key: 'accepted' | 'rejected') =>
    minutes.map((m, i) => `${x(i).toFixed(1)},${y(m[key]).toFixed(1)}`).join(' ');
  const accepted = minutes.reduce((s, m) => s + m.accepted, 0);
  const rejected = minutes.reduce((s, m) => s + m.rejected, 0);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        height={H}
        role="img"
        aria-label={t.chartLabel(accepted, rejected)}
        preserveAspectRatio="none"
      >
        <line x1={0} y1={H - PAD} x2={W} y2={H - PAD} stroke="var(--mantine-color-gray-4)" />
        <polyline
          points={line('accepted')}
          fill="none"
          stroke="var(--mantine-color-teal-6)"
          strokeWidth={2}
          vectorEffect="non-scaling-stroke"
        />
        <polyline
          points={line('rejected')}
          fill="none"
          stroke="var(--mantine-color-red-6)"
          strokeWidth={2}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <Group gap="md" component="figcaption" mt={4}>
        <Text size="sm" c="teal.7">
          ■ {t.legendAccepted}
        </Text>
        <Text size="sm" c="red.7">
          ■ {t.legendRejected}
        </Text>
        <Text size="sm" c="dimmed">
          max {max}/min
        </Text>
      </Group>
    </figure>
  );
}
