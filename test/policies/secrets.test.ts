/** What counts as a secret-looking name and as a credential inside a URL. */
import { describe, expect, it } from 'vitest';
import { hasCredentialInUrl, isSecretName } from '../../policies/secrets.ts';

describe('isSecretName', () => {
  it.each(['DB_PASSWORD', 'PGPASSWORD', 'OPENAI_API_KEY', 'SECRET_KEY', 'LANGSMITH_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'REDISCLI_AUTH', 'GF_SECURITY_ADMIN_PASSWORD'])('flags %s', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['LOG_LEVEL', 'GF_SECURITY_ADMIN_PASSWORD__FILE', 'TOKEN_TTL', 'GF_AUTH_DISABLE_LOGIN_FORM', 'GF_AUTH_ANONYMOUS_ENABLED', 'CACHE_TTL', 'KEYCLOAK_URL', 'SECRET_NAME', 'DATABASE_URL'])('leaves %s alone', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('hasCredentialInUrl', () => {
  it.each(['postgresql://app:hunter2@db:5432/app', 'redis://:s3cret@redis:6379/0', 'https://user:tok@github.com/org/repo.git'])('flags %s', (url) => {
    expect(hasCredentialInUrl(url)).toBe(true);
  });

  it.each(['postgresql://app:$(DB_PASSWORD)@db:5432/app', 'redis://redis:6379/0', 'https://github.com/org/repo.git', 'mailto:ops@example.com', 'http://host:8080/path'])('leaves %s alone', (url) => {
    expect(hasCredentialInUrl(url)).toBe(false);
  });
});
