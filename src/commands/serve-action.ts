import { runServer } from '../server/run-server.js';
import type { CommandAction } from './command-spec.js';
import { shutdownSignal } from './shutdown-signal.js';

export const serveAction: CommandAction<{}, {}> = async ({ config: resolveConfig }) => {
  const config = resolveConfig();
  const server = await runServer(config);
  process.stdout.write(
    `gamepipe serve: listening on ${server.url} (state: ${server.backends.state}, events: ${server.backends.log}, data dir: ${config.dataDir})\n` +
      `  /status token: ${server.statusTokenSource}\n`,
  );
  await shutdownSignal();
  await server.stop();
  process.stdout.write('gamepipe serve: stopped\n');
};
