import type autocannon from 'autocannon';

export interface ProgressTarget {
  requests?: number;
  durationMs?: number;
}

/**
 * One self-rewriting line on a terminal while a load round runs: elapsed time against the plan,
 * requests so far, the last second's rate, and answers by class. Returns the function that stops it.
 */
export function showLoadProgress(
  instance: autocannon.Instance,
  round: number,
  target: ProgressTarget,
  out: NodeJS.WriteStream,
): () => void {
  const started = Date.now();
  let answered = 0;
  let ok = 0;
  let lastSecond = 0;
  let rate = 0;
  instance.on('response', (_client, statusCode) => {
    answered++;
    if (statusCode >= 200 && statusCode < 300) ok++;
  });
  const render = () => {
    const elapsed = (Date.now() - started) / 1000;
    const planned =
      target.requests !== undefined
        ? `${answered}/${target.requests} requests`
        : `${elapsed.toFixed(0)}s/${((target.durationMs ?? 0) / 1000).toFixed(0)}s, ${answered} requests`;
    out.write(
      `\r\x1b[2Kround ${round}: ${planned}, ${rate.toLocaleString('en-US')} req/s, 2xx ${ok}, other ${answered - ok}`,
    );
  };
  const timer = setInterval(() => {
    rate = answered - lastSecond;
    lastSecond = answered;
    render();
  }, 1000);
  return () => {
    clearInterval(timer);
    render();
    out.write('\n');
  };
}
