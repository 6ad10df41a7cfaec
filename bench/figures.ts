import { writeFileSync } from 'node:fs';
import { fmt } from './bench-process.js';

/** A goal for a figure: at least or at most `value`, of the figure itself or of its ratio to a baseline. */
export interface Target {
  op: '>=' | '<=';
  value: number;
}

/** A figure measured in the same run, that another figure is a fraction of (the log's read ceiling, the bare route). */
export interface Baseline {
  label: string;
  value: number;
}

export interface FigureInput {
  label: string;
  value: number;
  unit: string;
  /** Digits after the point when printed. */
  digits?: number;
  target?: Target;
  /** With a baseline, the ratio is value / baseline and the target applies to that ratio. */
  baseline?: Baseline;
}

export interface Figure extends FigureInput {
  suite: string;
  /** value / baseline, or value / target when there is no baseline. */
  ratio?: number;
  met?: boolean;
}

const recorded: Figure[] = [];
let currentSuite = '';

/** Starts a suite: prints its heading; the figures recorded next belong to it. */
export function suite(name: string, heading: string): void {
  currentSuite = name;
  console.log(`# ${name}: ${heading}`);
}

const holds = (target: Target, x: number): boolean => (target.op === '>=' ? x >= target.value : x <= target.value);

/** Records one figure and prints it on one line, with its target and ratio when it has one. */
export function figure(input: FigureInput): Figure {
  const { label, value, unit, digits = 0, target, baseline } = input;
  const ratio = baseline ? value / baseline.value : target ? value / target.value : undefined;
  const met = target ? holds(target, baseline ? ratio! : value) : undefined;
  const result: Figure = { ...input, suite: currentSuite, ratio, met };
  recorded.push(result);
  let line = `  ${label.padEnd(34)} ${fmt(value, digits)} ${unit}`;
  if (baseline) line += ` = ${fmt(ratio!, 2)} of ${baseline.label} (${fmt(baseline.value, digits)} ${unit})`;
  if (target) {
    line += baseline
      ? `  target ${target.op} ${target.value}`
      : `  target ${target.op} ${fmt(target.value, digits)} ${unit}  ratio ${fmt(ratio!, 2)}`;
    line += met ? '  met' : '  MISSED';
  }
  console.log(line);
  return result;
}

/** A line of context under a suite (fill times, counts), not a figure. */
export const note = (text: string): void => console.log(`  ${text}`);

/** Writes every figure recorded so far, with the machine it ran on, as JSON for comparing runs. */
export function writeFiguresJson(path: string, machine: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), machine, figures: recorded }, null, 2)}\n`);
}
