import { describe, expect, it } from 'vitest';
import { ScriptConfigMap } from '../../constructs/script-config-map.ts';
import { ScriptJob } from '../../constructs/script-job.ts';
import { secretsReadBy } from '../../kube/pod-references.ts';
import { podTemplateOf } from '../../kube/pod-template.ts';
import { objects, only, testChart } from '../support/charts.ts';

describe('ScriptJob', () => {
  it('reports the Secrets its pod reads, exactly those its rendered pod template references', () => {
    const chart = testChart();
    const scripts = new ScriptConfigMap(chart, 'scripts', { name: 'init-scripts', component: 'init', scripts: ['backup-upload.sh'] });
    const job = new ScriptJob(chart, 'init', {
      name: 'store-init',
      component: 'init',
      image: 'tools',
      scripts,
      script: 'backup-upload.sh',
      env: [
        { name: 'HOST', value: 'store' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'store-credentials', key: 'password' } } },
        { name: 'APP_PASSWORD', valueFrom: { secretKeyRef: { name: 'app-credentials', key: 'password' } } },
        { name: 'PASSWORD_AGAIN', valueFrom: { secretKeyRef: { name: 'store-credentials', key: 'password' } } },
      ],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      caBundles: [{ secretName: 'store-http-tls', key: 'ca.crt', volumeName: 'store-ca', mountPath: '/etc/store-ca' }],
    });
    expect(job.secretNames).toEqual(['app-credentials', 'store-credentials', 'store-http-tls']);
    const rendered = only(objects(chart), 'Job', 'store-init');
    expect(job.secretNames).toEqual([...new Set(secretsReadBy(podTemplateOf(rendered as never)!).map((r) => r.name))].sort());
  });
});
