/**
 * Which environment the pack checks: the one the stack delivers. The Pulumi CLI starts a Node.js
 * policy pack with the stack's name in `PULUMI_NODEJS_STACK` (as it does for programs), and a
 * stack is named after its environment (`Pulumi.<env>.yaml` delivers `environments/<env>.yaml`).
 */

/** The variable the CLI passes the stack name in. */
export const STACK_VARIABLE = 'PULUMI_NODEJS_STACK';

/** The environment of the stack named in `variables`, or an error naming the variable and the choices. */
export function environmentOfStack(variables: Readonly<Record<string, string | undefined>>, environments: readonly string[]): string {
  const stack = variables[STACK_VARIABLE];
  if (stack === undefined || stack === '') {
    throw new Error(
      `${STACK_VARIABLE} is not set: the pack learns its environment from the stack it checks, so run it through ` +
        '`pulumi preview|up --policy-pack policies/pulumi-pack` on a stack named after an environment',
    );
  }
  // `org/project/stack` when a fully qualified stack was selected.
  const name = stack.slice(stack.lastIndexOf('/') + 1);
  if (!environments.includes(name)) {
    throw new Error(`${STACK_VARIABLE} is ${JSON.stringify(stack)}, which is not an environment; stacks are named after one of ${environments.join(', ')} (environments/<name>.yaml)`);
  }
  return name;
}
