/**
 * Add-ons a cluster needs for what its objects assume of Kubernetes itself, rather than for their
 * custom resources: the resource metrics API behind CPU and memory autoscaling, the EBS CSI driver
 * behind the StorageClasses, and a controller that restarts workloads when a rotated Secret
 * changes. Each is needed exactly when the rendered objects need what it provides (the needs are
 * read with policies/cluster.ts, the same functions the policy rules use).
 */
import { EBS_CSI_PROVISIONER } from '../constructs/ebs-storage-class.ts';
import { CHARTS } from '../constructs/versions.ts';
import { METRICS_API, SECRET_RELOAD, type Capability } from '../policies/cluster.ts';
import type { AddOn } from './add-on.ts';

const EBS_CSI: Capability = `provisioner:${EBS_CSI_PROVISIONER}`;
/** Namespace of the EBS CSI driver; its controller's IRSA role must trust `<this>:ebs-csi-controller-sa`. */
const EBS_CSI_NAMESPACE = 'aws-ebs-csi-driver';

export const CLUSTER_ADD_ONS: readonly AddOn[] = [
  {
    key: 'metrics-server',
    chart: CHARTS.metricsServer,
    namespace: 'metrics-server',
    provides: [],
    capabilities: [METRICS_API],
    // The chart registers v1beta1.metrics.k8s.io and binds its account to
    // extension-apiserver-authentication-reader, a Role that exists only in kube-system.
    clusterKinds: [{ group: 'apiregistration.k8s.io', kind: 'APIService' }],
    extraNamespaces: ['kube-system'],
    after: ['cert-manager'],
    neededBy: (u) => u.needs.has(METRICS_API),
    // The chart's defaults already suit EKS (https://github.com/kubernetes-sigs/metrics-server#requirements):
    // port 10250, which EKS's cluster security group opens from the control plane to the nodes;
    // `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname` (kubelets are reached by
    // node IP, the address EKS nodes publish first); kubelet serving certificates are verified,
    // as EKS signs them with the cluster CA (no --kubelet-insecure-tls). It reads kubelets on the
    // nodes, not pods, and lives in its own namespace: the environments' default-deny
    // NetworkPolicies neither block it nor need a rule for it.
    values: (u) => ({
      replicas: u.production ? 2 : 1,
      podDisruptionBudget: u.production ? { enabled: true, minAvailable: 1 } : { enabled: false },
      // The API server verifies metrics-server too: cert-manager issues its serving certificate and
      // injects the CA into the APIService (chart >= 3.13.0). Without cert-manager on the cluster the
      // chart's self-signed certificate and insecureSkipTLSVerify remain, as in upstream's manifest.
      ...(u.groups.has('cert-manager.io') ? { tls: { type: 'cert-manager' }, apiService: { insecureSkipTLSVerify: false } } : {}),
    }),
  },
  {
    key: 'aws-ebs-csi-driver',
    chart: CHARTS.awsEbsCsiDriver,
    namespace: EBS_CSI_NAMESPACE,
    provides: [],
    capabilities: [EBS_CSI],
    clusterKinds: [{ group: 'storage.k8s.io', kind: 'CSIDriver' }],
    neededBy: (u) => u.needs.has(EBS_CSI),
    values: (u) => {
      if (!u.ebsCsiRoleArn) {
        throw new Error(`cluster ${u.cluster}: a StorageClass uses ${EBS_CSI_PROVISIONER}, whose controller needs an IAM role; set gitops.storage.ebsCsiRoleArn in environments/<env>.yaml (a role trusting ServiceAccount ${EBS_CSI_NAMESPACE}/ebs-csi-controller-sa with AmazonEBSCSIDriverPolicy)`);
      }
      return {
        controller: {
          // IRSA: short-lived credentials for the controller only; node pods need no AWS API access.
          serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': u.ebsCsiRoleArn } },
        },
        // StorageClasses are declared by the cluster configuration (stacks/cluster-storage.ts), not by the chart.
        storageClasses: [],
        node: { enableWindows: false },
      };
    },
  },
  {
    key: 'reloader',
    chart: CHARTS.reloader,
    namespace: 'reloader',
    provides: [],
    capabilities: [SECRET_RELOAD],
    neededBy: (u) => u.needs.has(SECRET_RELOAD),
    values: () => ({
      reloader: {
        // Only workloads that name their Secrets in secret.reloader.stakater.com/reload restart
        // (autoReloadAll stays false); ConfigMaps change only through git and a sync.
        autoReloadAll: false,
        ignoreConfigMaps: true,
        ignoreJobs: true,
        ignoreCronJobs: true,
        // Marks the pod template with an annotation instead of an env var, which Argo CD does not
        // report as drift (https://github.com/stakater/Reloader#reload-strategies).
        reloadStrategy: 'annotations',
        readOnlyRootFileSystem: true,
        deployment: {
          containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
        },
      },
    }),
  },
];
