import { loadConfig } from '../src/config/load-config.js';
import { verifyLake } from '../src/verify/verify-lake.js';
import { discrepancies } from '../src/verify/verify-report.js';

/** Runs verify (as `gamepipe verify` does, without a server to ask) on the data dir given as argument; prints its figures as JSON. */
const config = loadConfig({ flags: { dataDir: process.argv[2]! }, env: process.env });
const started = process.hrtime.bigint();
const report = await verifyLake(config, { window: {} });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const events = report.tallies.reduce((n, t) => n + t.log, 0);
process.stdout.write(
  JSON.stringify({
    events,
    files: report.files,
    discrepancies: discrepancies(report).length,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
