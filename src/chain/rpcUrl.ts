/**
 * RPC URLs as users give them and as capflow prints them: never with credentials.
 */
import { UserError } from '../core/errors.ts';
import { redactUrl } from '../core/url.ts';

/**
 * The URL without userinfo, with secret-looking query values replaced by `***`, and path
 * segments that look like API keys (20+ letters/digits, as Infura and Alchemy put them)
 * replaced by `***`. For messages and JSON output.
 *
 * @example redactRpcUrl('https://user:pw@eth.example/v3/0123456789abcdef0123456789abcdef?apikey=s') // 'https://eth.example/v3/***?apikey=***'
 */
export function redactRpcUrl(url: string): string {
  return redactUrl(url, { hideKeyLikeSegments: true });
}

/**
 * The RPC URL from `--rpc` or the `CAPFLOW_RPC_URL` environment variable, checked to be an
 * http(s) or ws(s) URL. Errors never echo the URL's credentials.
 *
 * @example rpcUrlFrom(opts.rpc, process.env) // 'http://127.0.0.1:8545'
 */
export function rpcUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag ?? env.CAPFLOW_RPC_URL;
  if (raw === undefined || raw === '') throw new UserError({ field: '--rpc', message: 'is required', hint: 'pass --rpc <url> or set CAPFLOW_RPC_URL' });
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UserError({ field: '--rpc', message: 'is not a URL', hint: 'e.g. http://127.0.0.1:8545' });
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) {
    throw new UserError({ field: '--rpc', value: redactRpcUrl(raw), message: `must be an http(s) URL, got ${parsed.protocol}`, hint: 'e.g. https://eth.example/v3/<key>' });
  }
  return raw;
}
