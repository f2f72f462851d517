/**
 * Plain-scalar resolution by the YAML 1.2 core schema, as the `yaml` package's default reading
 * does: null, booleans, decimal/octal/hex integers, floats, `.inf` and `.nan`; anything else is a
 * string. Used by the plain-data reader (./plainYaml.ts).
 */

/** The first characters of every core-schema scalar that is not a string (a quick exit for words). */
export const MAY_NOT_BE_STRING = /^(?:$|[-+.0-9~nNtTfF])/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * The value of a plain scalar by the YAML 1.2 core schema.
 *
 * @example resolvePlainScalar('0x1F') // 31
 */
export function resolvePlainScalar(s: string): unknown {
  if (!MAY_NOT_BE_STRING.test(s)) return s;
  if (INT.test(s)) return parseInt(s, 10);
  if (FLOAT.test(s) || FLOAT_EXP.test(s)) return parseFloat(s);
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  return s; // the tests above are exclusive, so their order does not matter
}
