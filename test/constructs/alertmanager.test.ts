import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { type Obj, only } from '../support/charts.ts';
import { alertmanager, container } from '../support/monitoring-charts.ts';

describe('Alertmanager', () => {
  it('reads every credential from the mounted secret, never from its configuration', () => {
    const { chart, alertmanager: am } = alertmanager();
    const config = yaml.load(am.configYaml) as Obj;
    expect(config['receivers']).toEqual([
      {
        name: 'bridge',
        webhook_configs: [
          { url: 'https://incidents.example.com:8443/hook', send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/bridge-webhook-token' } } },
        ],
      },
      { name: 'oncall', pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/oncall-pagerduty-routing-key', send_resolved: true }] },
      { name: 'team', slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/team-slack-api-url', channel: '#alerts', send_resolved: true }] },
    ]);
    expect(only(chart, 'ExternalSecret', 'alertmanager-receivers').spec.data.map((d: Obj) => d.secretKey)).toEqual([
      'bridge-webhook-token',
      'oncall-pagerduty-routing-key',
      'team-slack-api-url',
    ]);
    const sts = only(chart, 'StatefulSet', 'alertmanager');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'receivers', secret: { secretName: 'alertmanager-receivers', defaultMode: 0o440 } });
  });

  it('routes critical alerts to the pager and to the owning team, and lets criticals silence their warning twins', () => {
    const config = yaml.load(alertmanager().alertmanager.configYaml) as Obj;
    expect(config['route']).toMatchSnapshot();
    expect(config['inhibit_rules']).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'namespace', 'job', 'instance'] },
    ]);
  });

  it('may reach DNS and the receivers\' HTTPS and webhook ports, nothing else', () => {
    const egress = only(alertmanager().chart, 'NetworkPolicy', 'alertmanager').spec.egress as Obj[];
    expect(egress.map((e) => e.ports.map((p: Obj) => p.port))).toEqual([[443, 8443], [53, 53]]);
  });

  it('runs alone without clustering, and as a gossiping cluster with more replicas', () => {
    const single = container(only(alertmanager().chart, 'StatefulSet', 'alertmanager')).args as string[];
    expect(single).toContain('--cluster.listen-address=');
    expect(single.filter((a) => a.startsWith('--cluster.peer'))).toEqual([]);
    const { chart } = alertmanager({ replicas: 2 });
    const args = container(only(chart, 'StatefulSet', 'alertmanager')).args as string[];
    expect(args.filter((a) => a.startsWith('--cluster.peer'))).toEqual([
      '--cluster.peer=alertmanager-0.alertmanager.test.svc:9094',
      '--cluster.peer=alertmanager-1.alertmanager.test.svc:9094',
    ]);
    const ingress = only(chart, 'NetworkPolicy', 'alertmanager').spec.ingress as Obj[];
    expect(ingress.flatMap((i) => i.ports)).toEqual([
      { port: 9094, protocol: 'TCP' },
      { port: 9094, protocol: 'UDP' },
    ]);
  });

  it('refuses a route to a receiver it does not have', () => {
    expect(() => alertmanager({ routing: { default: 'team', critical: 'pager', warning: 'team' } })).toThrowError(
      'alertmanagerConfig: route critical names receiver "pager", which is not among the receivers (oncall, team, bridge)',
    );
  });

  it('refuses to run without receivers', () => {
    expect(() => alertmanager({ receivers: [] })).toThrowError('Alertmanager alertmanager: needs at least one receiver');
  });
});
