import { describe, expect, it } from 'vitest';
import { AlertmanagerConfig } from '../../constructs/alertmanager-config.ts';
import { validateManifest } from '../../stacks/validate.ts';
import { type Obj, only, testChart } from '../support/charts.ts';
import { receivers } from '../support/monitoring-charts.ts';

describe('AlertmanagerConfig', () => {
  it('hands the routes to the operator\'s Alertmanager with credentials by secret reference, and it validates', async () => {
    const chart = testChart();
    new AlertmanagerConfig(chart, 'amc', {
      receivers,
      routing: { default: 'team', critical: 'oncall', warning: 'team', components: { backup: 'bridge' } },
      secretStore: { kind: 'ClusterSecretStore', name: 'store' },
      remoteKey: 'agent-platform/test/alertmanager',
      selectorLabels: { release: 'kps' },
    });
    const amc = only(chart, 'AlertmanagerConfig', 'agent-platform-alerts');
    expect(amc.spec.route.routes[0]).toEqual({ matchers: [{ name: 'severity', value: 'critical', matchType: '=' }], receiver: 'oncall', repeatInterval: '1h', continue: true });
    expect(amc.spec.receivers.find((r: Obj) => r.name === 'team').slackConfigs[0].apiURL).toEqual({ name: 'agent-platform-alerts-receivers', key: 'team-slack-api-url' });
    expect(amc.spec.receivers.find((r: Obj) => r.name === 'bridge').webhookConfigs[0].httpConfig.authorization.credentials).toEqual({
      name: 'agent-platform-alerts-receivers',
      key: 'bridge-webhook-token',
    });
    expect(amc.spec.inhibitRules[0].equal).toEqual(['alertname', 'namespace', 'job', 'instance']);
    expect(only(chart, 'ExternalSecret', 'agent-platform-alerts-receivers').spec.data).toHaveLength(3);
    await validateManifest(amc, 'AlertmanagerConfig agent-platform-alerts');
  });
});
