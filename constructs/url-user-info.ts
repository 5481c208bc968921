/**
 * The user-info part (`user:password@`) of a connection URL that an External Secrets template
 * builds from a fetched password, escaped as RFC 3986 §3.2.1 allows there: unreserved characters
 * and percent-encoded UTF-8, nothing else. Every URL with credentials is built here, so the
 * escaping is written once.
 *
 * External Secrets (the chart pinned as `CHARTS.externalSecrets`) renders templates with Go's text/template plus Sprig's TxtFuncMap
 * (external-secrets pkg/template/v2/template.go; Sprig's URL functions are only urlParse and
 * urlJoin). text/template's builtin `urlquery` is url.QueryEscape: it keeps only
 * `A-Z a-z 0-9 - _ . ~` and percent-encodes every other byte, except that a space becomes `+`,
 * which in user info is a literal plus (a password "a b" would arrive as "a+b"). A literal `+` is
 * itself escaped to `%2B`, so after `urlquery` every `+` stands for a space and Sprig's `replace`
 * turns it into `%20`: the result is exactly the percent-encoding of the password's bytes.
 * test/constructs/url-user-info.test.ts renders it with the real text/template and Sprig and parses the
 * URLs back with WHATWG URL and Python's urllib.
 */

/** The template expression for the password fetched as `key`, percent-encoded for user info. */
export function passwordTemplate(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`passwordTemplate: ${JSON.stringify(key)} is not a template field name (letters, digits, _)`);
  return `{{ .${key} | urlquery | replace "+" "%20" }}`;
}

/** `user:<escaped password>@` for a URL template; `user` may be empty (Redis: `redis://:password@`). */
export function userInfoTemplate(user: string, passwordKey: string): string {
  return `${encodeURIComponent(user)}:${passwordTemplate(passwordKey)}@`;
}
