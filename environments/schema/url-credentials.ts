/**
 * URLs in environment data are committed and rendered into `generated/`, so none may carry a
 * credential: no user-info (`https://bot:<token>@github.com/...`; a user name alone over https is
 * how personal access tokens are passed), no secret-looking query parameter, and no path that is
 * itself the secret (Slack, Discord, Teams, Telegram webhooks). Such URLs come from the secret
 * store, like the other receiver secrets. `maskCredentials` hides the same parts in any message.
 */
import { z } from 'zod';

/** Query parameters that carry a secret (AWS pre-signed URLs, API keys, OAuth tokens, SAS signatures). */
const SECRET_PARAMS = /^(token|access_token|id_token|refresh_token|auth|authorization|key|apikey|api_key|api-key|secret|client_secret|password|passwd|pwd|sig|signature|code|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/** Webhook URLs whose path is the credential: anyone holding the URL can post. */
const SECRET_PATHS: readonly { readonly host: RegExp; readonly path: RegExp; readonly what: string }[] = [
  { host: /^hooks\.slack\.com$/, path: /^\/(services|workflows|triggers)\//, what: 'a Slack webhook URL' },
  { host: /^(discord(app)?\.com)$/, path: /^\/api\/webhooks\//, what: 'a Discord webhook URL' },
  { host: /(^|\.)webhook\.office\.com$|^outlook\.office(365)?\.com$/, path: /^\/webhook/, what: 'a Microsoft Teams webhook URL' },
  { host: /\.logic\.azure\.com$/, path: /\/workflows\//, what: 'a Microsoft Teams workflow URL' },
  { host: /^api\.telegram\.org$/, path: /^\/bot[^/]+/, what: 'a Telegram bot URL' },
  { host: /^events\.pagerduty\.com$/, path: /^\/integration\/[^/]+/, what: 'a PagerDuty integration URL' },
  { host: /^api\.opsgenie\.com$/, path: /./, what: 'an Opsgenie API URL' },
];

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Why `text` carries a credential, or `undefined` when it does not (or is not a URL at all). */
export function urlCredentialProblem(text: string): string | undefined {
  const url = parse(text);
  if (!url) return undefined;
  if (url.password) return 'a URL without a password in it';
  if (url.username && url.protocol !== 'ssh:') return 'a URL without user-info (a user name in an https URL is how tokens are passed)';
  for (const name of url.searchParams.keys()) {
    if (SECRET_PARAMS.test(name)) return `a URL without the secret query parameter "${name}"`;
  }
  const hook = SECRET_PATHS.find((s) => s.host.test(url.hostname) && s.path.test(url.pathname));
  if (hook) return `not ${hook.what}: its path is the credential; reference it from the secret store instead`;
  return undefined;
}

const MASK = '***';

/** `text` with every credential-looking part of the URLs in it replaced by `***`. */
export function maskCredentials(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (match) => {
    const url = parse(match);
    if (!url) return match.replace(/\/\/[^/@\s]*@/, `//${MASK}@`);
    let out = match;
    if (url.username || url.password) out = out.replace(/\/\/[^/@]*@/, `//${MASK}@`);
    out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (m, sep: string, name: string) => (SECRET_PARAMS.test(decodeURIComponent(name)) ? `${sep}${name}=${MASK}` : m));
    const hook = SECRET_PATHS.find((s) => s.host.test(url.hostname) && s.path.test(url.pathname));
    if (hook) out = `${url.protocol}//${url.host}/${MASK}`;
    return out;
  });
}

/** A string schema with the credential check added, for every URL field of the environment. */
export function withoutCredentials<T extends z.ZodType<string>>(schema: T): T {
  return schema.superRefine((text, ctx) => {
    const problem = urlCredentialProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', input: text, message: problem });
  }) as unknown as T;
}
