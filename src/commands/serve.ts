import type { Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import { runServer } from '../server/run-server.js';
import { shutdownSignal } from './shutdown-signal.js';

export function registerServeCommand(program: Command, resolveConfig: ConfigResolver): void {
  program
    .command('serve')
    .description('run the instrumented game API (state: Redis or embedded; events: Kafka or embedded log)')
    .addHelpText('after', '\nUses the global --host, --port, --catalog, --redis-url, --kafka-brokers and --data-dir.')
    .action(async (_options, command: Command) => {
      const config = resolveConfig(command);
      const server = await runServer(config);
      process.stdout.write(
        `gamepipe serve: listening on ${server.url} (state: ${server.backends.state}, events: ${server.backends.log}, data dir: ${config.dataDir})\n` +
          `  /status token: ${server.statusTokenSource}\n`,
      );
      await shutdownSignal();
      await server.stop();
      process.stdout.write('gamepipe serve: stopped\n');
    });
}
