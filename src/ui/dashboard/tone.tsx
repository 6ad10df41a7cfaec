import { Text } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';

/** Whether the dashboard may color its text: false under NO_COLOR (https://no-color.org). */
export const ColorContext = createContext(true);

/** False when NO_COLOR is set to anything but the empty string. */
export const colorAllowed = (env: NodeJS.ProcessEnv): boolean => env.NO_COLOR === undefined || env.NO_COLOR === '';

export type ToneKind = 'title' | 'label' | 'good' | 'warn' | 'bad' | 'plain';

const styles: Record<ToneKind, { color?: string; bold?: boolean; dimColor?: boolean }> = {
  title: { color: 'cyan', bold: true },
  label: { dimColor: true },
  good: { color: 'green' },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  plain: {},
};

/** Text in one of the dashboard's tones; no styling at all when color is off. */
export function Tone({ kind, children }: { kind: ToneKind; children: ReactNode }) {
  const color = useContext(ColorContext);
  return <Text {...(color ? styles[kind] : {})}>{children}</Text>;
}

/** The tone of an HTTP status. */
export const statusTone = (status: number): ToneKind => (status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'good');
