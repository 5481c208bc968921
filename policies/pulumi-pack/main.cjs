// The pack's `main`. The Pulumi CLI's Node.js host loads a policy pack with `require(<pack dir>)`
// (@pulumi/pulumi/cmd/run-policy-pack/run.js) after registering its vendored ts-node, which would
// type-check index.ts as CommonJS and reject its `.ts` imports. A dynamic import goes through Node's
// own ESM loader instead, which strips the types as it does for the rest of the repository
// (Node >= 22.18). run.js awaits what the module exports, so a failure to load fails the run.
module.exports = import('./index.ts');
