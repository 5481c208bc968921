/** Recognising secret-looking names and credentials inside strings, without ever echoing them. */

/**
 * Names that mean "this holds a credential": a segment such as `DB_PASSWORD`, `OPENAI_API_KEY`,
 * `SECRET_KEY`, a glued suffix as in libpq's `PGPASSWORD`, or a trailing `_AUTH` as in
 * `REDISCLI_AUTH`. A bare `AUTH` segment elsewhere (`GF_AUTH_DISABLE_LOGIN_FORM`) is a setting.
 */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIALS?|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)(_|$)|(PASSWORD|PASSWD)$|_AUTH$/i;
/** Suffixes that name where a secret is, or a property of it, not the secret itself. */
const NOT_A_VALUE = /_(FILE|PATH|DIR|TTL|EXPIRY|EXPIRES|LENGTH|NAME|HEADER|REF|ENABLED|URL)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_VALUE.test(name);
}

/** `scheme://user:password@host` (Redis URLs have no user: `redis://:password@host`); `$(VAR)` and `${VAR}` passwords are references, not literals. */
const CREDENTIAL_URL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@]*):([^\s/@]+)@/i;

export function hasCredentialInUrl(value: string): boolean {
  if (!value.includes('@') || !value.includes('://')) return false;
  const m = CREDENTIAL_URL.exec(value);
  if (!m) return false;
  const password = m[2] ?? '';
  return !/^\$(\(|\{)[A-Za-z_][A-Za-z0-9_]*(\)|\})$/.test(password);
}
