import { loadConfig } from '../src/config/load-config.js';
import { createEventLogReader } from '../src/eventlog/create-event-log.js';
import { scanLog } from '../src/verify/scan-log.js';

/** The baseline for verify: reading and parsing every record of the log once, nothing else. */
const config = loadConfig({ flags: { dataDir: process.argv[2]! }, env: process.env });
const started = process.hrtime.bigint();
const reader = await createEventLogReader(config, { group: 'bench-scan' });
let events = 0;
for await (const records of scanLog(reader, await reader.endOffsets()))
  for (const r of records) events += JSON.parse(r.value) ? 1 : 0;
await reader.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
