import { createServer, type Server } from 'node:http';

/**
 * A tiny JSON-RPC proxy in front of a real node that refuses `eth_getLogs` ranges wider than
 * `maxRange` blocks (as hosted nodes do), and can be switched off (`down`) to act as an RPC
 * that does not answer.
 */
export interface RangeLimitProxy {
  url: string;
  /** eth_getLogs requests refused so far. */
  refused: number;
  /** eth_getLogs requests forwarded. */
  forwarded: number;
  close(): Promise<void>;
}

function tooWide(body: any, maxRange: number): boolean {
  if (body?.method !== 'eth_getLogs') return false;
  const f = body.params?.[0] ?? {};
  return Number(BigInt(f.toBlock) - BigInt(f.fromBlock)) + 1 > maxRange;
}

export async function startRangeLimitProxy(target: string, maxRange: number): Promise<RangeLimitProxy> {
  const state = { refused: 0, forwarded: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const refusals = new Map<unknown, unknown>();
    for (const body of list) {
      if (tooWide(body, maxRange)) {
        state.refused++;
        refusals.set(body.id, { jsonrpc: '2.0', id: body.id, error: { code: -32602, message: `query exceeds max block range ${maxRange}` } });
      } else if (body?.method === 'eth_getLogs') state.forwarded++;
    }
    const forward = list.filter((b: any) => !refusals.has(b.id));
    let answers: any[] = [];
    if (forward.length > 0) {
      const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array.isArray(parsed) ? forward : forward[0]) });
      const j = await r.json();
      answers = Array.isArray(j) ? j : [j];
    }
    const all = [...answers, ...refusals.values()];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(Array.isArray(parsed) ? all : all[0]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    get forwarded() {
      return state.forwarded;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
