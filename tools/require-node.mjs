// Preloaded (`node --import`) by every npm script that runs TypeScript. Node strips types itself
// from 22.18 on; an older Node would fail on the .ts entry point with ERR_UNKNOWN_FILE_EXTENSION,
// which says nothing about the cause. Plain JavaScript, so it runs on any Node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `Node ${process.version} is too old for this project: it runs TypeScript through Node's type stripping, ` +
      'which needs Node 22.18 or newer. Run it through npm (npm run <script>, npx <tool>): on Linux, after `npm ci` ' +
      'npm scripts use the Node 24 of the `node-linux-<cpu>` optionalDependency in node_modules/.bin; elsewhere ' +
      'install Node 22.18 or newer. See README.md, "Two commands".',
  );
  process.exit(1);
}
