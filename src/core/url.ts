/**
 * URLs as capflow prints them: never with a password or a secret-looking query value. Shared
 * by the chain's RPC URLs (chain/rpcUrl.ts) and the ledger's database URLs (ledger/dbUrl.ts).
 */

/** Query parameters that commonly carry secrets; their values are hidden. Any other value is kept. */
const SECRET_PARAM = /key|token|secret|auth|pass|sig|credential/i;

/**
 * What {@link redactUrl} hides besides the password and secret-looking query values.
 *
 * @example const opts: RedactOptions = { keepUsername: true };
 */
export interface RedactOptions {
  /** Keep the user name (a database role is no secret); default false: all userinfo goes. */
  keepUsername?: boolean;
  /** Hide path segments that look like API keys (20+ letters/digits, as Infura and Alchemy put them). */
  hideKeyLikeSegments?: boolean;
}

/**
 * The URL without its password (and, unless `keepUsername`, without its user), secret-looking
 * query values replaced by `***`; an unparsable URL is `<invalid URL>` (it may hold a secret).
 *
 * @example redactUrl('postgres://fund:s3cret@db.internal:5432/ledger?sslpassword=x', { keepUsername: true }) // 'postgres://fund@db.internal:5432/ledger?sslpassword=***'
 */
export function redactUrl(url: string, opts: RedactOptions = {}): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid URL>';
  }
  if (!opts.keepUsername) parsed.username = '';
  parsed.password = '';
  for (const key of [...parsed.searchParams.keys()]) if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, '***');
  if (opts.hideKeyLikeSegments) {
    parsed.pathname = parsed.pathname
      .split('/')
      .map((segment) => (/^[A-Za-z0-9_-]{20,}$/.test(segment) ? '***' : segment))
      .join('/');
  }
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}
