import type { EventTrace } from './trace-event.js';

/** The trace for a person: one line per stage the event reached, then where it is or why it stopped. */
export function formatTrace(trace: EventTrace): string {
  const { request, log, file } = trace;
  const status =
    request.status === null
      ? "status unknown (give --server-log <file> with the server's log)"
      : `answered ${request.status}`;
  const lines = [
    `event    ${trace.eventId}${trace.eventType ? ` (${trace.eventType})` : ''}`,
    `request  ${request.route ?? 'route unknown'}, accepted ${request.acceptedAt}, ${status}`,
    `log      ${log ? `partition ${log.partition}, offset ${log.offset}, appended ${log.appendedAt}` : 'not in the log'}`,
  ];
  if (trace.writerPosition !== null)
    lines.push(
      `writer   has committed the offsets below ${trace.writerPosition}${trace.lag === null ? '' : ` (${trace.lag} events to go)`}`,
    );
  if (file) lines.push(`file     ${file.path}, row ${file.row}`);
  lines.push(`stage    ${trace.stage}: ${trace.detail}`);
  return `${lines.join('\n')}\n`;
}
