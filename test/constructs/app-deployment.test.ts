import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AppDeployment, type AppDeploymentProps } from '../../constructs/app-deployment.ts';
import { objects, only, testChart } from '../support/charts.ts';

const base: AppDeploymentProps = {
  name: 'agent-api',
  component: 'api',
  image: 'registry.example.com/svc:1.0.0',
  port: { name: 'http', containerPort: 8000 },
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
  replicas: 1,
  readinessProbe: { path: '/ready', period: Duration.seconds(5) },
};

function render(props: Partial<AppDeploymentProps> = {}) {
  const chart = testChart();
  new AppDeployment(chart, 'app', { ...base, ...props });
  return objects(chart);
}

describe('AppDeployment', () => {
  it('runs its container under the restricted security profile with a read-only root filesystem', () => {
    const pod = only(render(), 'Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
  });

  it('sets requests and a memory limit from the resources it is given', () => {
    const c = only(render(), 'Deployment').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
  });

  it('gives its ServiceAccount no token', () => {
    expect(only(render(), 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  it('leaves replicas to the HPA when autoscaling is set, with the cooldown and factors in behavior', () => {
    const objs = render({
      replicas: undefined,
      autoscaling: {
        minReplicas: 3,
        maxReplicas: 10,
        targetCpuUtilization: 70,
        targetMemoryUtilization: 80,
        scaleUp: { stabilizationWindowSeconds: 0, percent: 50, periodSeconds: 60 },
        scaleDown: { stabilizationWindowSeconds: 300, percent: 20, periodSeconds: 60 },
      },
    });
    expect(only(objs, 'Deployment').spec.replicas).toBeUndefined();
    const hpa = only(objs, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 10,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'agent-api' },
      behavior: {
        scaleUp: { policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }] },
      },
    });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
  });

  it('spreads pods across nodes and zones only when it can run more than one', () => {
    expect(only(render({ replicas: 1 }), 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    const spread = only(render({ replicas: 2 }), 'Deployment').spec.template.spec.topologySpreadConstraints;
    expect(spread.map((s: any) => [s.topologyKey, s.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
  });

  it('exposes its port through a Service that selects exactly its pods', () => {
    const objs = render();
    const svc = only(objs, 'Service');
    const dep = only(objs, 'Deployment');
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(dep.spec.template.metadata.labels[k]).toBe(v);
  });

  it('renders no Service for a workload without a port', () => {
    const objs = render({ port: undefined, readinessProbe: undefined });
    expect(objs.filter((o) => o['kind'] === 'Service')).toEqual([]);
  });

  it('probes on the named port with the periods it is given', () => {
    const c = only(render(), 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 'http' },
      periodSeconds: 5,
      initialDelaySeconds: 0,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
  });

  it('protects itself with a PodDisruptionBudget that allows one eviction by default', () => {
    expect(only(render(), 'PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('refuses replicas together with autoscaling', () => {
    expect(() =>
      render({ autoscaling: { minReplicas: 1, maxReplicas: 2 } as AppDeploymentProps['autoscaling'] }),
    ).toThrowError('AppDeployment agent-api: set replicas (1) or autoscaling, not both; the HPA owns the replica count');
  });

  it('refuses HTTP probes without a port', () => {
    expect(() => render({ port: undefined })).toThrowError('AppDeployment agent-api: HTTP probes need a port');
  });

  it('matches its snapshot', () => {
    expect(render({ replicas: 2 })).toMatchSnapshot();
  });
});
