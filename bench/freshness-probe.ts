/**
 * Seconds from each of `probes` purchases' 2xx (by one new player, one after another, each with its
 * own quantity) until `visible(quantity)` sees its row; polled every 50 ms.
 */
export async function probeFreshness(
  serverUrl: string,
  probes: number,
  visible: (quantity: number) => Promise<boolean>,
): Promise<number[]> {
  const signup = await fetch(`${serverUrl}/signup?username=fresh&password=fresh-pw`);
  const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
  const delays: number[] = [];
  for (let quantity = 1; quantity <= probes; quantity++) {
    const bought = await fetch(`${serverUrl}/buy/sword?quantity=${quantity}`, { headers: { cookie } });
    if (bought.status !== 200) throw new Error(`purchase answered ${bought.status}`);
    const answered = performance.now();
    while (!(await visible(quantity))) await new Promise((r) => setTimeout(r, 50));
    delays.push((performance.now() - answered) / 1000);
    await new Promise((r) => setTimeout(r, Math.random() * 300));
  }
  return delays;
}
