import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { environmentNames, loadEnvironments, parseEnvironment } from '../../environments/load.ts';
import { jsonSchemaText, JSON_SCHEMA_PATH } from '../../environments/json-schema.ts';
import { problems, prodText, prodWith } from '../support/prod-environment.ts';

const DIR = join(import.meta.dirname, '..', '..', 'environments');

describe('environment files', () => {
  it('dev, staging and prod are present, and every environment file is valid', () => {
    // The list comes from the directory (environments/load.ts), so an added environment is checked too.
    const names = environmentNames(DIR);
    expect(names).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
    expect(loadEnvironments(DIR).map((e) => e.name)).toEqual(names);
  });

  it('carry the figures of the design for each environment', () => {
    const byName = new Map(loadEnvironments(DIR).map((e) => [e.name, e]));
    const [dev, prod, staging] = [byName.get('dev'), byName.get('prod'), byName.get('staging')];
    expect([dev!.settings.logLevel, staging!.settings.logLevel, prod!.settings.logLevel]).toEqual(['DEBUG', 'INFO', 'WARNING']);
    expect([dev!.settings.workers, staging!.settings.workers, prod!.settings.workers]).toEqual([1, 2, 4]);
    expect([dev!.settings.dbPoolSize, staging!.settings.dbPoolSize, prod!.settings.dbPoolSize]).toEqual([10, 10, 20]);
    expect([dev!.settings.maxConcurrentAgents, staging!.settings.maxConcurrentAgents, prod!.settings.maxConcurrentAgents]).toEqual([5, 20, 50]);
    expect(prod!.api.autoscaling).toMatchObject({ minReplicas: 3, maxReplicas: 10, targetCpuUtilization: 70, targetMemoryUtilization: 80 });
    expect(prod!.api.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1000m', memory: '2Gi' } });
    expect(prod!.images.service.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('fill in documented defaults: the rate limit, the cooldown and the scale factors', () => {
    const prod = parseEnvironment(prodText, 'environments/prod.yaml');
    expect(prod.ingress.rateLimit).toEqual({ requestsPerMinute: 100, burst: 200 });
    expect(prod.api.autoscaling?.scaleDown).toEqual({ stabilizationWindowSeconds: 300, percent: 20, periodSeconds: 60 });
    expect(prod.api.autoscaling?.scaleUp).toEqual({ stabilizationWindowSeconds: 0, percent: 50, periodSeconds: 60 });
  });
});

describe('a bad environment file', () => {
  it('names the file, the field, the bad value and what was expected', () => {
    const text = prodWith((d) => (d.api.autoscaling.minReplicas = 'three'));
    expect(problems(text)).toEqual(['environments/prod.yaml: api.autoscaling.minReplicas: expected a number, got "three"']);
  });

  it('points at a typo in a key and suggests the right one', () => {
    const text = prodWith((d) => {
      d.api.autoscaling.maxReplica = d.api.autoscaling.maxReplicas;
      delete d.api.autoscaling.maxReplicas;
    });
    expect(problems(text)).toContain(
      'environments/prod.yaml: api.autoscaling.maxReplica: unknown key (did you mean "maxReplicas"?); expected one of minReplicas, maxReplicas, targetCpuUtilization, targetMemoryUtilization, scaleUp, scaleDown',
    );
    expect(problems(text)).toContain('environments/prod.yaml: api.autoscaling.maxReplicas: expected a number, got nothing (the field is missing)');
  });

  it('rejects a minimum above the maximum', () => {
    const text = prodWith((d) => (d.api.autoscaling.minReplicas = 12));
    expect(problems(text)).toEqual(['environments/prod.yaml: api.autoscaling.minReplicas: expected a number no larger than maxReplicas (10), got 12']);
  });

  it('rejects a missing required host', () => {
    const text = prodWith((d) => delete d.ingress.host);
    expect(problems(text)).toEqual(['environments/prod.yaml: ingress.host: expected a string, got nothing (the field is missing)']);
  });

  it('rejects a value below its minimum and a value outside an enumeration', () => {
    const text = prodWith((d) => {
      d.settings.workers = 0;
      d.settings.logLevel = 'LOUD';
    });
    expect(problems(text)).toEqual([
      'environments/prod.yaml: settings.logLevel: expected one of "DEBUG", "INFO", "WARNING", "ERROR", got "LOUD"',
      'environments/prod.yaml: settings.workers: expected a number ≥ 1, got 0',
    ]);
  });

  it('requires production images to be pinned by digest, and refuses `latest`', () => {
    expect(problems(prodWith((d) => delete d.images.service.digest))).toEqual([
      'environments/prod.yaml: images.service.digest: expected a digest (production images are pinned by digest), got nothing (the field is missing)',
    ]);
    expect(problems(prodWith((d) => (d.images.service.tag = 'latest')))).toEqual([
      'environments/prod.yaml: images.service.tag: expected a pinned tag, not "latest", got "latest"',
    ]);
  });

  it('requires at least two replicas in production', () => {
    expect(problems(prodWith((d) => (d.worker.autoscaling.minReplicas = 1)))).toEqual([
      'environments/prod.yaml: worker.autoscaling: expected at least 2 replicas in production (one node loss must not take the tier down), got 1',
    ]);
  });

  it('lists every problem in the file, not just the first', () => {
    const text = prodWith((d) => {
      d.api.autoscaling.minReplicas = 'three';
      d.namespace = 'Agent_Platform';
      d.ingres = d.ingress;
      d.worker.resources.requests.memory = '4Gi';
    });
    const lines = problems(text);
    expect(lines).toHaveLength(4);
    expect(lines).toEqual(
      expect.arrayContaining([
        'environments/prod.yaml: api.autoscaling.minReplicas: expected a number, got "three"',
        'environments/prod.yaml: namespace: expected a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Agent_Platform"',
        expect.stringMatching(/^environments\/prod\.yaml: ingres: unknown key \(did you mean "ingress"\?\); expected one of \$schema, name, production, namespace, images, /),
        'environments/prod.yaml: worker.resources.requests.memory: expected a memory request no larger than the limit (2Gi), got "4Gi"',
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('name: prod\napi: [unclosed\n')[0]).toMatch(/^environments\/prod\.yaml: not valid YAML \(line 3, column 1\): /);
  });

  it('must be named after the environment it describes', () => {
    expect(() => parseEnvironment(prodText, 'environments/production.yaml')).toThrowError(
      'environments/production.yaml: name: expected "production" (the file name), got "prod"',
    );
  });
});

describe('the JSON Schema of the environment format', () => {
  it('is committed and current', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).toBe(jsonSchemaText());
  });

  it('accepts every environment file, and rejects what the zod schema rejects, as an editor would', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(jsonSchemaText()));
    for (const name of environmentNames(DIR)) {
      expect(validate(yaml.load(readFileSync(join(DIR, `${name}.yaml`), 'utf8'))), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const typo = yaml.load(prodWith((d) => (d.ingres = d.ingress)));
    expect(validate(typo)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'ingres' } });
  });

  it('describes every top-level section and forbids unknown keys', () => {
    const schema = JSON.parse(jsonSchemaText());
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'namespace', 'images', 'settings', 'api', 'worker', 'ingress', 'secrets']));
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'namespace', 'ingress']));
  });
});
