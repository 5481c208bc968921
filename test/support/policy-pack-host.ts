/**
 * Starts a policy pack the way the Pulumi CLI does, without the CLI: the Node.js language host runs
 * `node <@pulumi/pulumi>/cmd/run-policy-pack <engine address> <pack dir>` in the pack's directory
 * with the stack in `PULUMI_NODEJS_STACK`; that entry registers its ts-node and does
 * `require(<pack dir>)` (run-policy-pack/run.js); the pack's `PolicyPack` then serves CrossGuard's
 * Analyzer gRPC service and prints its port on stdout, which is what the CLI reads. Here the port is
 * read the same way and the service is asked, over gRPC, what the CLI would ask: the pack's
 * policies (GetAnalyzerInfo) and a verdict on a resource (Analyze).
 *
 * A test with the real CLI can call `pulumi preview --policy-pack` instead and keep the same
 * expectations; this function is the part that needs no CLI binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const fromPulumi = createRequire(createRequire(import.meta.url).resolve('@pulumi/pulumi/package.json'));
const grpc = fromPulumi('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
const analyzerRpc = fromPulumi('./proto/analyzer_grpc_pb') as any;
const analyzerProto = fromPulumi('./proto/analyzer_pb') as any;
const emptyProto = fromPulumi('google-protobuf/google/protobuf/empty_pb') as any;
const structProto = fromPulumi('google-protobuf/google/protobuf/struct_pb') as any;

/** The host entry the CLI's Node.js language host runs for a policy pack. */
export const RUN_POLICY_PACK = join(dirname(fromPulumi.resolve('./package.json')), 'cmd', 'run-policy-pack');

const LEVELS = ['advisory', 'mandatory', 'disabled', 'remediate'] as const;
export type Level = (typeof LEVELS)[number];

export interface ServedPolicy {
  readonly name: string;
  readonly enforcementLevel: Level;
}

export interface Diagnostic {
  readonly policy: string;
  readonly enforcementLevel: Level;
  readonly message: string;
}

export interface RunningPack {
  /** What the pack told the CLI about itself. */
  readonly name: string;
  readonly policies: readonly ServedPolicy[];
  /** Asks the pack to validate one resource, as the engine does before registering it. */
  analyze(resource: { type: string; name: string; props: Record<string, unknown> }): Promise<Diagnostic[]>;
  stop(): void;
}

export class PackLoadError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
}

/**
 * Starts `packDir` for `stack` as the CLI does and connects to it. Rejects with a PackLoadError
 * (exit code and stderr) when the pack fails to load.
 */
export async function startPolicyPack(packDir: string, stack: string, options: { timeoutMs?: number; project?: string } = {}): Promise<RunningPack> {
  const child: ChildProcess = spawn(process.execPath, [RUN_POLICY_PACK, '127.0.0.1:0', packDir], {
    cwd: packDir,
    env: { ...process.env, PULUMI_NODEJS_STACK: stack, PULUMI_NODEJS_PROJECT: options.project ?? 'agent-platform' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new PackLoadError(`policy pack ${packDir} printed no port within ${options.timeoutMs ?? 60_000} ms`, null, stderr));
    }, options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new PackLoadError(`policy pack ${packDir} exited with ${code} before serving:\n${stderr}`, code, stderr));
    });
  });
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const stop = () => {
    client.close();
    child.kill();
  };
  try {
    const info = await call<any>(client, 'getAnalyzerInfo', new emptyProto.Empty());
    return {
      name: info.getName(),
      policies: info.getPoliciesList().map((p: any) => ({ name: p.getName(), enforcementLevel: LEVELS[p.getEnforcementlevel()]! })),
      async analyze(resource) {
        const request = new analyzerProto.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(`urn:pulumi:${stack}::${options.project ?? 'agent-platform'}::${resource.type}::${resource.name}`);
        request.setProperties(structProto.Struct.fromJavaScript(resource.props));
        // The engine always sends options; @pulumi/policy refuses a request without them.
        request.setOptions(new analyzerProto.AnalyzerResourceOptions());
        const response = await call<any>(client, 'analyze', request);
        return response.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), enforcementLevel: LEVELS[d.getEnforcementlevel()]!, message: d.getMessage() }));
      },
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
